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


@dataclass
class ReviewPorts:
    cases: CaseIndex
    known: KnownApplications
    contacts: OperatorContacts
