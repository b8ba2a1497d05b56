"""Review's ArchiveEntryAdded / Approved / Rejected -> intake's archive (what may be cited)."""
from __future__ import annotations

from contracts.events import ArchiveEntryAdded, ArchiveEntryApproved, ArchiveEntryRejected
from plumbing.core.application import Context
from plumbing.core.references import PhantomReference
from services.intake.domain.citations import ArchiveRecord


async def when_archive_entry_added_record_it(e: ArchiveEntryAdded, ctx: Context) -> None:
    await ctx.ports.archive.add(ArchiveRecord(e.entry_id, e.person_ref, e.unit_id, e.title, e.achieved_on, "pending"))


async def when_archive_entry_judged_record_status(e: ArchiveEntryApproved | ArchiveEntryRejected, ctx: Context) -> None:
    status = "approved" if isinstance(e, ArchiveEntryApproved) else "rejected"
    if not await ctx.ports.archive.judge(e.entry_id, status):
        # Added and judged travel on one topic under one key, in order: nothing to wait for.
        raise PhantomReference(f"archive entry {e.entry_id} ({type(e).__name__} before ArchiveEntryAdded)")
