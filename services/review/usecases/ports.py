"""What review's use cases and reactions need of its read models, in domain words (Protocols).
PostgreSQL implements them in `adapters/ports_pg.py`, memory in `adapters/ports_memory.py`; one
contract test runs against both (tests/integration/review/test_ports_contract.py)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from contracts.personal_record import PersonalRecord


@dataclass(frozen=True)
class OpenCase:
    """A case that has not ended, as the case view shows it (it may lag its stream)."""

    application_id: uuid.UUID
    level: str | None
    area: str


class CaseIndex(Protocol):
    async def open_cases(self) -> list[OpenCase]:
        """Every case not closed and not forwarded, by application id."""


class KnownApplications(Protocol):
    async def remember(self, application_id: uuid.UUID, revision: int) -> None:
        """The application was filed (again); the highest revision seen is kept."""

    async def knows(self, application_id: uuid.UUID) -> bool: ...


class OperatorContacts(Protocol):
    async def queue(self, operator_ref: str, record: PersonalRecord | None) -> None:
        """Queue an operator's contact (None: its tombstone) for the compacted personal-data topic,
        in the unit of work's transaction."""


class FeedContext(Protocol):
    async def note(self, application_id: uuid.UUID, revision: int, plan_id: str, plan_version: str,
                   failing_rules: list[str]) -> None:
        """Remember the newest assessment's plan and failing rule codes for the analysts' feed (an
        older revision never replaces a newer one)."""


@dataclass
class ReviewPorts:
    cases: CaseIndex
    known: KnownApplications
    contacts: OperatorContacts
    feed_context: FeedContext
