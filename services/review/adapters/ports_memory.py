"""review's ports in memory, for use-case and reaction tests without PostgreSQL (the same
contract tests as ports_pg.py)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from contracts.personal_record import PersonalRecord
from services.review.usecases.ports import OpenCase, ReviewPorts


@dataclass
class MemoryCaseIndex:
    rows: dict[uuid.UUID, OpenCase] = field(default_factory=dict)  # a test shows what the view would

    async def open_cases(self) -> list[OpenCase]:
        return [self.rows[k] for k in sorted(self.rows)]


@dataclass
class MemoryKnownApplications:
    revisions: dict[uuid.UUID, int] = field(default_factory=dict)

    async def remember(self, application_id: uuid.UUID, revision: int) -> None:
        self.revisions[application_id] = max(revision, self.revisions.get(application_id, revision))

    async def knows(self, application_id: uuid.UUID) -> bool:
        return application_id in self.revisions


@dataclass
class MemoryOperatorContacts:
    queued: list[tuple[str, PersonalRecord | None]] = field(default_factory=list)  # in order, as the topic gets them

    async def queue(self, operator_ref: str, record: PersonalRecord | None) -> None:
        if record is None:  # a tombstone supersedes what waits (as personal_outbox does)
            self.queued = [q for q in self.queued if q[0] != operator_ref]
        self.queued.append((operator_ref, record))


class MemoryFeedContext:
    def __init__(self) -> None:
        self.noted: dict[uuid.UUID, tuple[int, str, str, list[str]]] = {}

    async def note(self, application_id: uuid.UUID, revision: int, plan_id: str, plan_version: str,
                   failing_rules: list[str]) -> None:
        if application_id not in self.noted or self.noted[application_id][0] <= revision:
            self.noted[application_id] = (revision, plan_id, plan_version, list(failing_rules))


def memory_ports() -> ReviewPorts:
    return ReviewPorts(cases=MemoryCaseIndex(), known=MemoryKnownApplications(), contacts=MemoryOperatorContacts(),
                       feed_context=MemoryFeedContext())
