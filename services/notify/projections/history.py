"""notify's read models that are folds of its own history: `reminders` (one row per
DeadlineApproaching) and `notification_failures` (one per NotificationFailed).

Live, each row is written in the transaction that records its event (the reminders job claims the
reminder and appends DeadlineApproaching; `append_outcome` appends NotificationFailed and records
it), through the same ports; `apply` writes them again from the stored events, so `zc replay
notify.history` rebuilds both from the store (plumbing/core/rebuild.py) and the two agree row for row
(tests/e2e/test_auditing_a_dispute.py).
"""
from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from contracts.events import DeadlineApproaching, NotificationFailed
from contracts.registry import decode
from plumbing.core.eventstore import Stored
from services.notify.domain.reminders import reminder_of
from services.notify.usecases.ports import NotifyPorts

TABLES = ["reminders", "notification_failures"]
WANTED = frozenset({"DeadlineApproaching", "NotificationFailed"})


async def apply(ports: NotifyPorts, events: Sequence[Stored], tz: str = "Asia/Shanghai") -> None:
    for stored in events:
        envelope = stored.envelope
        if envelope.event_type not in WANTED:
            continue
        event = decode(envelope)
        if isinstance(event, DeadlineApproaching):
            recorded_on = envelope.occurred_at.astimezone(ZoneInfo(tz)).date()
            if (reminder := reminder_of(envelope.event_id, event, recorded_on)) is not None:
                await ports.reminders.claim(reminder, event.planned_on or recorded_on)
        elif isinstance(event, NotificationFailed):
            await ports.failures.record(event, envelope.recorded_at)
