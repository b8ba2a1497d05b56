"""Review's ArchiveEntryAdded / Approved / Rejected -> intake's archive_entries read model."""
from __future__ import annotations

from contracts.events import ArchiveEntryAdded, ArchiveEntryApproved, ArchiveEntryRejected
from plumbing.core.application import Context
from plumbing.core.references import PhantomReference


async def when_archive_entry_added_record_it(e: ArchiveEntryAdded, ctx: Context) -> None:
    await ctx.conn.execute(
        "INSERT INTO archive_entries (entry_id, person_ref, unit_id, title, achieved_on) VALUES ($1,$2,$3,$4,$5)"
        " ON CONFLICT (entry_id) DO NOTHING", e.entry_id, e.person_ref, e.unit_id, e.title, e.achieved_on)


async def when_archive_entry_judged_record_status(e: ArchiveEntryApproved | ArchiveEntryRejected, ctx: Context) -> None:
    status = "approved" if isinstance(e, ArchiveEntryApproved) else "rejected"
    updated = await ctx.conn.execute("UPDATE archive_entries SET status = $2 WHERE entry_id = $1", e.entry_id, status)
    if updated == "UPDATE 0":
        # Added and judged travel on one topic under one key, in order: nothing to wait for.
        raise PhantomReference(f"archive entry {e.entry_id} ({type(e).__name__} before ArchiveEntryAdded)")
