"""intake's ports in memory, for use-case and reaction tests without PostgreSQL (the same
contract tests as ports_pg.py)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from contracts.events import Sealed
from contracts.personal_record import PersonalRecord
from services.intake.domain.citations import ArchiveRecord
from services.intake.usecases.ports import IntakePorts, ReturnOpen


@dataclass
class MemoryArchive:
    entries: dict[str, ArchiveRecord] = field(default_factory=dict)

    async def add(self, entry: ArchiveRecord) -> None:
        self.entries.setdefault(entry.entry_id, replace(entry, status="pending"))

    async def judge(self, entry_id: str, status: str) -> bool:
        if entry_id not in self.entries:
            return False
        self.entries[entry_id] = replace(self.entries[entry_id], status=status)
        return True

    async def cited(self, entry_ids: list[str]) -> dict[str, ArchiveRecord]:
        return {i: self.entries[i] for i in entry_ids if i in self.entries}


@dataclass
class MemoryUnits:
    names: dict[str, str] = field(default_factory=dict)

    async def authorise(self, unit_id: str, unit_name: str) -> None:
        self.names[unit_id] = unit_name

    async def is_authorised(self, unit_id: str) -> bool:
        return unit_id in self.names


@dataclass
class MemoryReturns:
    open_returns: dict[uuid.UUID, ReturnOpen] = field(default_factory=dict)

    async def open(self, returned: ReturnOpen) -> None:
        self.open_returns[returned.application_id] = returned

    async def current(self, application_id: uuid.UUID) -> ReturnOpen | None:
        return self.open_returns.get(application_id)

    async def close(self, application_id: uuid.UUID) -> None:
        self.open_returns.pop(application_id, None)


@dataclass
class MemoryPhotos:
    data: dict[str, bytes] = field(default_factory=dict)

    async def keep(self, sha256: str, data: bytes) -> None:
        self.data.setdefault(sha256, data)

    async def forget(self, hashes: list[str]) -> int:
        return sum(self.data.pop(h, None) is not None for h in hashes)


@dataclass
class MemoryFilings:
    filings: set[tuple[str, uuid.UUID, str]] = field(default_factory=set)

    async def filed(self, person_ref: str, application_id: uuid.UUID, photo: str | None) -> None:
        self.filings.add((person_ref, application_id, photo or ""))

    async def of_person(self, person_ref: str) -> list[tuple[uuid.UUID, str | None]]:
        return sorted((a, p or None) for r, a, p in self.filings if r == person_ref)


@dataclass
class MemoryKeys:
    """Seals with a marker instead of AES (the vault's own tests cover the cryptography)."""

    keys: set[str] = field(default_factory=set)

    async def seal(self, person_ref: str, fields: dict) -> Sealed:
        self.keys.add(person_ref)
        return Sealed(person_ref=person_ref, nonce="bm9uY2U=", ciphertext="c2VhbGVk")

    async def erase(self, person_ref: str) -> bool:
        if person_ref not in self.keys:
            return False
        self.keys.discard(person_ref)
        return True


@dataclass
class MemoryPersonalTopic:
    queued: list[tuple[str, PersonalRecord | None]] = field(default_factory=list)

    async def queue(self, person_ref: str, record: PersonalRecord | None) -> None:
        if record is None:  # a tombstone supersedes what waits (as personal_outbox does)
            self.queued = [q for q in self.queued if q[0] != person_ref]
        self.queued.append((person_ref, record))


@dataclass
class MemoryUploads:
    documents: dict[str, int] = field(default_factory=dict)  # person_ref -> documents held
    drafts: set[str] = field(default_factory=set)
    draft_ends: dict[str, object] = field(default_factory=dict)  # person_ref -> expires_at

    async def forget(self, person_ref: str) -> tuple[int, int]:
        draft = int(person_ref in self.drafts)
        self.drafts.discard(person_ref)
        return self.documents.pop(person_ref, 0), draft

    async def expire_drafts(self, now) -> int:
        ended = [p for p in self.drafts if p in self.draft_ends and self.draft_ends[p] < now]
        self.drafts -= set(ended)
        return len(ended)


def memory_ports() -> IntakePorts:
    return IntakePorts(archive=MemoryArchive(), units=MemoryUnits(), returns=MemoryReturns(), photos=MemoryPhotos(),
                       filings=MemoryFilings(), keys=MemoryKeys(), personal=MemoryPersonalTopic(),
                       uploads=MemoryUploads())
