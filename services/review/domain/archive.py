"""The personal achievement archive (我的业绩档案): one small aggregate per entry.

An applicant adds an entry; the unit approves or rejects it once; only approved entries may be
cited in an application (附件1). The archive is kept all year round, so no plan deadline applies.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from contracts.envelope import Actor
from contracts.errors import Conflict, InvalidInput
from contracts.events import ArchiveEntryAdded, ArchiveEntryApproved, ArchiveEntryRejected, Payload
from services.review.domain.case import Scope
from services.review.domain.guards import require_text

KINDS = ("project", "paper", "award", "patent", "standard", "landmark")


@dataclass(frozen=True)
class ArchiveEntry:
    entry_id: str
    person_ref: str
    unit_id: str
    title: str
    achieved_on: date
    kind: str
    status: str = "pending"  # pending | approved | rejected
    note: str = ""  # the unit's opinion or reason

    @property
    def scope(self) -> Scope:
        return Scope(person_ref=self.person_ref, unit_org=self.unit_id)


@dataclass(frozen=True)
class AddArchiveEntry:
    actor: Actor
    entry_id: str
    person_ref: str
    unit_id: str
    title: str
    achieved_on: date
    kind: str = "project"


@dataclass(frozen=True)
class ReviewArchiveEntry:
    actor: Actor
    entry_id: str
    approve: bool
    text: str  # opinion when approving (may be empty), reason when rejecting (required)


def decide_archive(entry: ArchiveEntry | None, cmd: AddArchiveEntry | ReviewArchiveEntry) -> list[Payload]:
    if isinstance(cmd, AddArchiveEntry):
        if entry is not None:
            raise Conflict("该业绩已登记", "this archive entry already exists", code="ENTRY_EXISTS")
        if cmd.kind not in KINDS:
            raise InvalidInput(f"未知的业绩类型：{cmd.kind}", f"unknown entry kind {cmd.kind!r}", code="UNKNOWN_KIND")
        return [ArchiveEntryAdded(entry_id=cmd.entry_id, person_ref=cmd.person_ref, unit_id=cmd.unit_id,
                                  title=require_text(cmd.title, "title", "业绩名称"),
                                  achieved_on=cmd.achieved_on, kind=cmd.kind)]
    if entry is None:
        raise Conflict("业绩不存在", "no such archive entry", code="ENTRY_NOT_FOUND")
    if entry.status != "pending":
        raise Conflict("该业绩已审核", f"the entry was already {entry.status}", code="ENTRY_ALREADY_REVIEWED")
    if cmd.approve:
        return [ArchiveEntryApproved(entry_id=entry.entry_id, unit_id=entry.unit_id, opinion=cmd.text.strip())]
    return [ArchiveEntryRejected(entry_id=entry.entry_id, unit_id=entry.unit_id,
                                 reason=require_text(cmd.text, "reason", "不通过理由"))]


def evolve_archive(entry: ArchiveEntry | None, event: Payload) -> ArchiveEntry:
    if isinstance(event, ArchiveEntryAdded):
        return ArchiveEntry(event.entry_id, event.person_ref, event.unit_id, event.title,
                            event.achieved_on, event.kind)
    if entry is None:
        raise ValueError("archive event before ArchiveEntryAdded")
    if isinstance(event, ArchiveEntryApproved):
        return replace(entry, status="approved", note=event.opinion)
    if isinstance(event, ArchiveEntryRejected):
        return replace(entry, status="rejected", note=event.reason)
    raise TypeError(f"{type(event).__name__} is not an archive event")

