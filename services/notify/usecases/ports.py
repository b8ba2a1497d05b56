"""What notify's use cases and reactions need of its read models, in domain words (Protocols).
PostgreSQL implements them in `adapters/ports_pg.py`, memory in `adapters/ports_memory.py`; one
contract test runs against both (tests/integration/notify/test_ports_contract.py)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from contracts.envelope import Envelope
from contracts.events import NotificationFailed
from contracts.personal_record import PersonalRecord
from contracts.upcasters import FIRST_PLAN_ID, FIRST_PLAN_VERSION
from services.notify.domain.compose import Outgoing
from services.notify.domain.recipients import Contact, RecipientKind
from services.notify.domain.reminders import Reminder


class Erased:
    """A person whose personal data was erased (their tombstone was read)."""


ERASED = Erased()


@dataclass(frozen=True)
class Pending:
    """A delivery not yet sent, enough to record how it ended."""

    notification_id: uuid.UUID
    application_id: uuid.UUID | None
    template: str
    recipient_masked: str
    dedup_key: str
    caused_by_event_id: uuid.UUID
    correlation_id: uuid.UUID


@dataclass(frozen=True)
class Counted:
    """Open cases waiting at one organisation at one level."""

    org: str
    level: str
    cases: int
    # the plan the waiting applications were filed under (their reminders follow its deadlines)
    plan_id: str = FIRST_PLAN_ID
    plan_version: str = FIRST_PLAN_VERSION


class Directory(Protocol):
    async def contact(self, kind: RecipientKind, ref: str) -> Contact | None: ...

    async def save(self, contact: Contact) -> None:
        """Insert or replace the contact of (kind, ref)."""


class People(Protocol):
    async def current(self, person_ref: str) -> PersonalRecord | Erased | None:
        """The person's current data; ERASED after their tombstone; None while their record has
        not arrived. Serialised with the arrival of their record (no arrival goes unseen)."""


class Deliveries(Protocol):
    async def queue(self, out: Outgoing, correlation_id: uuid.UUID, person_ref: str) -> None:
        """A pending SMS; queued once per dedup key (a second time changes nothing)."""

    async def pending_of(self, person_ref: str) -> list[Pending]: ...

    async def scrub(self, person_ref: str, reason: str) -> int:
        """Fail the person's pending SMS with `reason` and blank the texts and numbers of all of
        theirs (the recording gateway's log too); returns how many were scrubbed."""

    async def resend(self, notification_id: uuid.UUID, by: str, at: datetime) -> str | None:
        """Queue an `unknown` delivery to be sent again (the operator's decision, recorded with who);
        returns its status before (None: no such delivery); any other status is left as it is."""

    async def of_application(self, application_id: uuid.UUID, person_ref: str | None = None) -> list[dict]:
        """What was planned for the application (to `person_ref` only, when given): template, masked
        recipient, text, status, attempts, last error, when created and sent (ISO 8601), in planning order."""


class Failures(Protocol):
    async def record(self, failed: NotificationFailed, at: datetime) -> None:
        """A NotificationFailed as it was recorded (once per notification)."""

    async def of_application(self, application_id: uuid.UUID) -> list[dict]:
        """template, recipient_masked, reason, recorded_at (ISO 8601), in recording order."""


class Waiting(Protocol):
    async def track(self, application_id: uuid.UUID, level: str, org: str) -> None: ...

    async def leave(self, application_id: uuid.UUID) -> None: ...

    async def counts(self) -> list[Counted]:
        """Open cases per (org, level, plan of their application); a case whose filing notify never
        saw (written before filings were remembered) counts under the first plan."""


class KnownApplications(Protocol):
    async def remember(self, application_id: uuid.UUID, plan_id: str, plan_version: str) -> None:
        """The application and the plan its first filing recorded (a second time changes nothing)."""

    async def plan_of(self, application_id: uuid.UUID) -> tuple[str, str] | None:
        """(plan_id, plan_version) its filing recorded; None when notify never saw its filing."""

    async def knows(self, application_id: uuid.UUID) -> bool:
        """Filed, or an applicant in the directory (rows written before filings were remembered)."""


class Reminders(Protocol):
    async def claim(self, reminder: Reminder, today: date) -> bool:
        """True the first time a reminder is planned, False ever after."""

    async def report(self) -> list[dict]:
        """Every reminder planned with its delivery or failure (GET /reminders)."""


class SetAside(Protocol):
    """Events waiting for a person's record (or tombstone) before their messages are planned."""

    async def put(self, person_ref: str, envelope: Envelope) -> None: ...

    async def take(self, person_ref: str) -> list[Envelope]:
        """Remove and return what waited for the person."""


@dataclass
class NotifyPorts:
    directory: Directory
    people: People
    deliveries: Deliveries
    failures: Failures
    waiting: Waiting
    known: KnownApplications
    reminders: Reminders
    set_aside: SetAside
