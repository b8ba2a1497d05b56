"""Recording how a notification ended: NotificationSent / NotificationFailed on notify's stream,
published through the outbox; a final failure is also kept for the status views and goes to the
dead-letter topic."""
from __future__ import annotations

import uuid

from contracts import topics
from contracts.envelope import Actor, Role
from contracts.events import NotificationFailed, NotificationSent
from plumbing.core.causes import Cause
from plumbing.core.unit_of_work import UnitOfWork
from services.notify.domain.streams import notification_stream

NOTIFY_ACTOR = Actor(role=Role.SYSTEM, organisation="notify", user="12333")


def stream_of(outcome: NotificationSent | NotificationFailed) -> str:
    return notification_stream(outcome.application_id or outcome.notification_id)


async def append_outcome(uow: UnitOfWork, outcome: NotificationSent | NotificationFailed,
                         correlation_id: uuid.UUID) -> None:
    # event_id derived from the notification: recording the same outcome twice is a no-op append.
    key = str(outcome.application_id or outcome.notification_id)
    [stored] = await uow.save(stream_of(outcome), [outcome], key=key,
                              cause=Cause(correlation_id, outcome.caused_by_event_id),
                              event_ids=[uuid.uuid5(outcome.notification_id, type(outcome).__name__)])
    if isinstance(outcome, NotificationFailed):
        await uow.ports.failures.record(outcome, stored.recorded_at)
        await uow.dead_letter(topics.dead_letter(), key, {
            "consumer": "notify-dispatcher", "error": outcome.reason, "notification_id": str(outcome.notification_id),
            "template": outcome.template, "dedup_key": outcome.dedup_key})
