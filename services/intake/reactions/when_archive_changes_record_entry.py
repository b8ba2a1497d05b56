"""Review's ArchiveEntryAdded / Approved / Rejected -> intake's archive_entries read model."""
from __future__ import annotations

from contracts.envelope import Envelope
from contracts.events import ArchiveEntryAdded, ArchiveEntryApproved, ArchiveEntryRejected

ARCHIVE_EVENTS = {"ArchiveEntryAdded", "ArchiveEntryApproved", "ArchiveEntryRejected"}


async def when_archive_changes_record_entry(conn, envelope: Envelope) -> None:
    match envelope.event_type:
        case "ArchiveEntryAdded":
            e = ArchiveEntryAdded.model_validate(envelope.payload)
            await conn.execute(
                "INSERT INTO archive_entries (entry_id, person_ref, unit_id, title, achieved_on) VALUES ($1,$2,$3,$4,$5)"
                " ON CONFLICT (entry_id) DO NOTHING", e.entry_id, e.person_ref, e.unit_id, e.title, e.achieved_on)
        case "ArchiveEntryApproved" | "ArchiveEntryRejected":
            model = ArchiveEntryApproved if envelope.event_type == "ArchiveEntryApproved" else ArchiveEntryRejected
            e = model.model_validate(envelope.payload)
            status = "approved" if model is ArchiveEntryApproved else "rejected"
            updated = await conn.execute("UPDATE archive_entries SET status = $2 WHERE entry_id = $1", e.entry_id, status)
            if updated == "UPDATE 0":
                raise ValueError(f"{envelope.event_type} for an entry intake never saw added: {e.entry_id}")
