"""notify's ports in memory, for use-case and reaction tests without PostgreSQL (the same
contract tests as ports_pg.py)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from contracts.envelope import Envelope
from contracts.events import NotificationFailed
from contracts.personal_record import PersonalRecord
from services.notify.domain.compose import Outgoing
from services.notify.domain.recipients import Contact, RecipientKind
from services.notify.domain.reminders import Reminder
from contracts.upcasters import FIRST_PLAN_ID, FIRST_PLAN_VERSION
from services.notify.usecases.ports import ERASED, Counted, Erased, NotifyPorts, Pending


@dataclass
class MemoryDirectory:
    contacts: dict[tuple[str, str], Contact] = field(default_factory=dict)

    async def contact(self, kind: RecipientKind, ref: str) -> Contact | None:
        return self.contacts.get((RecipientKind(kind).value, ref))

    async def save(self, contact: Contact) -> None:
        self.contacts[(contact.kind.value, contact.ref)] = contact


@dataclass
class MemoryPeople:
    """What the personal-data topic delivered: a record, or None for a tombstone (erased)."""

    records: dict[str, PersonalRecord | None] = field(default_factory=dict)

    async def current(self, person_ref: str) -> PersonalRecord | Erased | None:
        if person_ref not in self.records:
            return None
        return ERASED if self.records[person_ref] is None else self.records[person_ref]


@dataclass
class Row:
    out: Outgoing
    correlation_id: uuid.UUID
    person_ref: str
    status: str = "pending"
    last_error: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    sent_at: datetime | None = None
    resent_by: str | None = None


@dataclass
class MemoryDeliveries:
    rows: dict[str, Row] = field(default_factory=dict)  # dedup_key -> row, in planning order
    sms_log: dict[str, str] = field(default_factory=dict)  # the recording gateway's: dedup_key -> text

    async def queue(self, out: Outgoing, correlation_id: uuid.UUID, person_ref: str) -> None:
        self.rows.setdefault(out.dedup_key, Row(out, correlation_id, person_ref))

    async def pending_of(self, person_ref: str) -> list[Pending]:
        return [Pending(r.out.notification_id, r.out.application_id, r.out.template, r.out.recipient_masked,
                        r.out.dedup_key, r.out.caused_by_event_id, r.correlation_id)
                for r in self.rows.values() if r.person_ref == person_ref and r.status in ("pending", "checking", "unknown")]

    async def scrub(self, person_ref: str, reason: str) -> int:
        mine = [r for r in self.rows.values() if r.person_ref == person_ref]
        for r in mine:
            if r.status in ("pending", "checking", "unknown"):
                r.status, r.last_error = "failed", reason
            r.out = replace(r.out, to="", text="", params={})
            self.sms_log.pop(r.out.dedup_key, None)
        return len(mine)

    async def resend(self, notification_id: uuid.UUID, by: str, at: datetime) -> str | None:
        row = next((r for r in self.rows.values() if r.out.notification_id == notification_id), None)
        if row is None:
            return None
        before = row.status
        if before == "unknown":
            row.status, row.resent_by, row.last_error = "pending", by, f"sent again by {by}"
        return before

    async def of_application(self, application_id: uuid.UUID, person_ref: str | None = None) -> list[dict]:
        return [{"notification_id": str(r.out.notification_id), "template": r.out.template, "recipient_masked": r.out.recipient_masked, "text": r.out.text,
                 "status": r.status, "attempts": 0, "last_error": r.last_error, "created_at": r.created_at.isoformat(),
                 "sent_at": r.sent_at.isoformat() if r.sent_at else None, "provider_message_id": None,
                 "recorded_only": False}
                for r in self.rows.values() if r.out.application_id == application_id
                and (person_ref is None or r.person_ref == person_ref)]


@dataclass
class MemoryFailures:
    failed: dict[uuid.UUID, tuple[NotificationFailed, datetime]] = field(default_factory=dict)

    async def record(self, failed: NotificationFailed, at: datetime) -> None:
        self.failed.setdefault(failed.notification_id, (failed, at))

    async def of_application(self, application_id: uuid.UUID) -> list[dict]:
        return [{"template": f.template, "recipient_masked": f.recipient_masked, "reason": f.reason,
                 "recorded_at": at.isoformat()} for f, at in self.failed.values() if f.application_id == application_id]


@dataclass
class MemoryKnownApplications:
    directory: MemoryDirectory
    plans: dict[uuid.UUID, tuple[str, str]] = field(default_factory=dict)  # application -> (plan id, version)

    async def remember(self, application_id: uuid.UUID, plan_id: str, plan_version: str) -> None:
        self.plans.setdefault(application_id, (plan_id, plan_version))

    async def plan_of(self, application_id: uuid.UUID) -> tuple[str, str] | None:
        return self.plans.get(application_id)

    async def knows(self, application_id: uuid.UUID) -> bool:
        return application_id in self.plans or (RecipientKind.APPLICANT.value, str(application_id)) in self.directory.contacts


@dataclass
class MemoryWaiting:
    known: MemoryKnownApplications
    cases: dict[uuid.UUID, tuple[str, str]] = field(default_factory=dict)  # application -> (level, org)

    async def track(self, application_id: uuid.UUID, level: str, org: str) -> None:
        self.cases[application_id] = (level, org)

    async def leave(self, application_id: uuid.UUID) -> None:
        self.cases.pop(application_id, None)

    async def counts(self) -> list[Counted]:
        counted: dict[tuple[str, str, str, str], int] = {}
        for application_id, (level, org) in self.cases.items():
            key = (org, level, *self.known.plans.get(application_id, (FIRST_PLAN_ID, FIRST_PLAN_VERSION)))
            counted[key] = counted.get(key, 0) + 1
        return [Counted(org, level, n, plan_id, version) for (org, level, plan_id, version), n in sorted(counted.items())]


@dataclass
class MemoryReminders:
    deliveries: MemoryDeliveries
    failures: MemoryFailures
    planned: dict[tuple[str, date, int], tuple[Reminder, date]] = field(default_factory=dict)

    async def claim(self, reminder: Reminder, today: date) -> bool:
        if reminder.key in self.planned:
            return False
        self.planned[reminder.key] = (reminder, today)
        return True

    async def report(self) -> list[dict]:
        out = []
        for reminder, today in sorted(self.planned.values(), key=lambda p: (p[0].deadline, -p[0].days_before, p[0].org)):
            row = next((r for r in self.deliveries.rows.values() if r.out.caused_by_event_id == reminder.event_id), None)
            failure = next((f.reason for f, _ in self.failures.failed.values()
                            if f.caused_by_event_id == reminder.event_id), None)
            out.append({"event_id": str(reminder.event_id), "org_id": reminder.org, "level": reminder.level.value,
                        "deadline": reminder.deadline.isoformat(), "days_before": reminder.days_before,
                        "waiting_cases": reminder.waiting_cases, "planned_on": today.isoformat(),
                        "recipient_masked": row.out.recipient_masked if row else None,
                        "text": row.out.text if row else None, "attempts": 0 if row else None,
                        "dedup_key": row.out.dedup_key if row else None, "failure": failure,
                        "status": row.status if row else ("failed" if failure else None),
                        "sent_at": row.sent_at.isoformat() if row and row.sent_at else None})
        return out


@dataclass
class MemorySetAside:
    waiting: dict[str, dict[uuid.UUID, Envelope]] = field(default_factory=dict)

    async def put(self, person_ref: str, envelope: Envelope) -> None:
        self.waiting.setdefault(person_ref, {}).setdefault(envelope.event_id, envelope)

    async def take(self, person_ref: str) -> list[Envelope]:
        return list(self.waiting.pop(person_ref, {}).values())


def memory_ports() -> NotifyPorts:
    directory, deliveries, failures = MemoryDirectory(), MemoryDeliveries(), MemoryFailures()
    known = MemoryKnownApplications(directory)
    return NotifyPorts(directory=directory, people=MemoryPeople(), deliveries=deliveries, failures=failures,
                       waiting=MemoryWaiting(known), known=known,
                       reminders=MemoryReminders(deliveries, failures), set_aside=MemorySetAside())
