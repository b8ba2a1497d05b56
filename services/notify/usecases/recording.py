"""Recording how a notification ended: NotificationSent / NotificationFailed on notify's stream,
published through the outbox; a final failure also goes to the dead-letter topic."""
from __future__ import annotations

import json
import uuid

from contracts import topics
from contracts.envelope import Actor, Role
from contracts.events import NotificationFailed, NotificationSent
from plumbing.core.application import Recorder
from plumbing.core.causes import Cause

NOTIFY_ACTOR = Actor(role=Role.SYSTEM, organisation="notify", user="12333")


def stream_of(outcome: NotificationSent | NotificationFailed) -> str:
    return f"notification-{outcome.application_id or outcome.notification_id}"


async def append_outcome(recorder: Recorder, conn, outcome: NotificationSent | NotificationFailed,
                         correlation_id: uuid.UUID) -> None:
    # event_id derived from the notification: recording the same outcome twice is a no-op append.
    key = str(outcome.application_id or outcome.notification_id)
    await recorder.save(stream_of(outcome), [outcome], key=key, conn=conn,
                        cause=Cause(correlation_id, outcome.caused_by_event_id),
                        event_ids=[uuid.uuid5(outcome.notification_id, type(outcome).__name__)])
    if isinstance(outcome, NotificationFailed):
        raw = {"consumer": "notify-dispatcher", "error": outcome.reason, "notification_id": str(outcome.notification_id),
               "template": outcome.template, "dedup_key": outcome.dedup_key}
        await conn.execute("INSERT INTO outbox (event_id, topic, key, raw) VALUES (NULL, $1, $2, $3::jsonb)",
                           topics.dead_letter(), key, json.dumps(raw, ensure_ascii=False))
