"""What intake's use cases and reactions need beside its event store, in domain words (Protocols).
PostgreSQL implements them in `adapters/ports_pg.py`, memory in `adapters/ports_memory.py`; one
contract test runs against both (tests/integration/intake/test_ports_contract.py)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from contracts.events import ReturnedSection, ReturnReceived, ReviewLevel, Sealed
from contracts.personal_record import PersonalRecord
from services.intake.domain.citations import ArchiveRecord


@dataclass(frozen=True)
class ReturnOpen:
    """A return decided by review that the applicant has not answered yet."""

    application_id: uuid.UUID
    return_event_id: uuid.UUID
    revision: int
    level: ReviewLevel
    reason: str
    sections: tuple[ReturnedSection, ...] = ()

    @classmethod
    def of(cls, received: ReturnReceived) -> ReturnOpen:
        return cls(received.application_id, received.return_event_id, received.revision, received.level,
                   received.reason, tuple(received.sections))


class Archive(Protocol):
    async def add(self, entry: ArchiveRecord) -> None:
        """An entry review added (status pending); added again, it changes nothing."""

    async def judge(self, entry_id: str, status: str) -> bool:
        """approved | rejected; False when intake never saw the entry added."""

    async def cited(self, entry_ids: list[str]) -> dict[str, ArchiveRecord]: ...


class Units(Protocol):
    async def authorise(self, unit_id: str, unit_name: str) -> None: ...

    async def is_authorised(self, unit_id: str) -> bool: ...


class Returns(Protocol):
    async def open(self, returned: ReturnOpen) -> None:
        """The application's open return (a later one replaces it)."""

    async def current(self, application_id: uuid.UUID) -> ReturnOpen | None: ...

    async def close(self, application_id: uuid.UUID) -> None: ...


class Photos(Protocol):
    async def keep(self, sha256: str, data: bytes) -> None: ...

    async def forget(self, hashes: list[str]) -> int:
        """Delete these photos; how many there were."""


class Filings(Protocol):
    """Which applications each person filed, with their photos (erasure needs them)."""

    async def filed(self, person_ref: str, application_id: uuid.UUID, photo: str | None) -> None: ...

    async def of_person(self, person_ref: str) -> list[tuple[uuid.UUID, str | None]]:
        """(application id, photo hash or None), each pair once."""


class Keys(Protocol):
    """The per-person data keys (crypto-shredding)."""

    async def seal(self, person_ref: str, fields: dict) -> Sealed: ...

    async def erase(self, person_ref: str) -> bool:
        """Delete the person's data key: True if there was one."""


class PersonalTopic(Protocol):
    async def queue(self, person_ref: str, record: PersonalRecord | None) -> None:
        """The person's current record (None: their tombstone) for the compacted topic."""


class Uploads(Protocol):
    """A person's uploaded documents and filing-form draft (adapters/documents.py)."""

    async def forget(self, person_ref: str) -> tuple[int, int]:
        """Delete the person's documents and draft; how many of each there were."""

    async def expire_drafts(self, now: datetime) -> int:
        """Delete every draft whose season has ended; how many."""


@dataclass
class IntakePorts:
    archive: Archive
    units: Units
    returns: Returns
    photos: Photos
    filings: Filings
    keys: Keys
    personal: PersonalTopic
    uploads: Uploads
