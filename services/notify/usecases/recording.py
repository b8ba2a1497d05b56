"""Recording how a notification ended: NotificationSent / NotificationFailed on notify's stream,
published through the outbox; a final failure also goes to the dead-letter topic."""
from __future__ import annotations

import json
import uuid

from contracts import topics
from contracts.envelope import Actor, Role
from contracts.events import NotificationFailed, NotificationSent
from plumbing import clock
from plumbing.eventstore import EventStore, NewEvent

NOTIFY_ACTOR = Actor(role=Role.SYSTEM, organisation="notify", user="12333")


def stream_of(outcome: NotificationSent | NotificationFailed) -> str:
    return f"notification-{outcome.application_id or outcome.notification_id}"


async def append_outcome(store: EventStore, conn, outcome: NotificationSent | NotificationFailed,
                         correlation_id: uuid.UUID) -> None:
    # event_id derived from the notification: recording the same outcome twice is a no-op append.
    event_id = uuid.uuid5(outcome.notification_id, type(outcome).__name__)
    key = str(outcome.application_id or outcome.notification_id)
    event = NewEvent(outcome, NOTIFY_ACTOR, correlation_id=correlation_id, causation_id=outcome.caused_by_event_id, occurred_at=clock.now(),
                     event_id=event_id)
    await store.append(stream_of(outcome), None, [event], topic=topics.notifications(), key=key, conn=conn)
    if isinstance(outcome, NotificationFailed):
        raw = {"consumer": "notify-dispatcher", "error": outcome.reason, "notification_id": str(outcome.notification_id),
               "template": outcome.template, "dedup_key": outcome.dedup_key}
        await conn.execute("INSERT INTO outbox (event_id, topic, key, raw) VALUES (NULL, $1, $2, $3::jsonb)",
                           topics.dead_letter(), key, json.dumps(raw, ensure_ascii=False))
