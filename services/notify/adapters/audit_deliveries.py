"""Notify's part of an application's audit timeline beside its events: every SMS planned for it
and its delivery state. Never the text or the number (they name the person): the template, the
masked recipient, the attempts and times."""
from __future__ import annotations

import uuid


async def deliveries_of(request, application_id: uuid.UUID) -> dict:
    rows = await request.app.state.runtime.pool.fetch(
        "SELECT notification_id, template, recipient_masked, status, attempts, last_error, caused_by_event_id,"
        " created_at, sent_at FROM deliveries WHERE application_id = $1 ORDER BY created_at, dedup_key",
        application_id)
    return {"deliveries": [{**dict(r), "notification_id": str(r["notification_id"]),
                            "caused_by_event_id": str(r["caused_by_event_id"]),
                            "created_at": r["created_at"].isoformat(),
                            "sent_at": r["sent_at"].isoformat() if r["sent_at"] else None} for r in rows]}


async def persons_of(pool, application_id: uuid.UUID) -> list[str]:
    """Whose SMS these are (for the read log): the person_ref of each delivery of the application."""
    rows = await pool.fetch("SELECT DISTINCT person_ref FROM deliveries WHERE application_id = $1 AND person_ref <> ''",
                            application_id)
    return [r["person_ref"] for r in rows]


async def reminder_persons(pool) -> list[str]:
    """Whose numbers and names the reminders list shows (for the read log): the person_ref of each
    reminder delivery (a unit's authorised operator); departments are organisations, not persons."""
    rows = await pool.fetch("SELECT DISTINCT d.person_ref FROM reminders r JOIN deliveries d"
                            " ON d.caused_by_event_id = r.event_id WHERE d.person_ref <> ''")
    return [r["person_ref"] for r in rows]
