"""The delivery view of one application: every planned SMS, its recipient (masked) and status."""
from __future__ import annotations

import uuid

import asyncpg


async def delivery_status(pool: asyncpg.Pool, application_id: uuid.UUID) -> dict:
    rows = await pool.fetch(
        "SELECT template, recipient_masked, text, status, attempts, last_error, created_at, sent_at"
        " FROM deliveries WHERE application_id = $1 ORDER BY seq", application_id)
    failed = await pool.fetch(
        "SELECT payload->>'template' AS template, payload->>'recipient_masked' AS recipient_masked,"
        " payload->>'reason' AS reason, recorded_at FROM events"
        " WHERE event_type = 'NotificationFailed' AND payload->>'application_id' = $1 ORDER BY position",
        str(application_id))
    return {"application_id": str(application_id),
            "deliveries": [{**dict(r), "created_at": r["created_at"].isoformat(),
                            "sent_at": r["sent_at"].isoformat() if r["sent_at"] else None} for r in rows],
            "failures": [{**dict(r), "recorded_at": r["recorded_at"].isoformat()} for r in failed]}


async def reminder_status(pool: asyncpg.Pool) -> dict:
    """Every deadline reminder planned: recipient, deadline, cases, and its delivery or failure."""
    rows = await pool.fetch(
        "SELECT r.event_id, r.org_id, r.level, r.deadline, r.days_before, r.waiting_cases, r.planned_on,"
        " d.recipient_masked, d.text, d.status, d.attempts, d.sent_at, d.dedup_key, f.payload->>'reason' AS failure"
        " FROM reminders r LEFT JOIN deliveries d ON d.caused_by_event_id = r.event_id"
        " LEFT JOIN events f ON f.event_type = 'NotificationFailed'"
        "  AND f.payload->>'caused_by_event_id' = r.event_id::text"
        " ORDER BY r.deadline, r.days_before DESC, r.org_id")
    return {"reminders": [{**dict(r), "event_id": str(r["event_id"]), "deadline": r["deadline"].isoformat(),
                           "planned_on": r["planned_on"].isoformat(),
                           "status": r["status"] or ("failed" if r["failure"] else None),
                           "sent_at": r["sent_at"].isoformat() if r["sent_at"] else None} for r in rows]}


async def my_deliveries(pool: asyncpg.Pool, application_id: uuid.UUID, person_ref: str) -> list[dict]:
    """The SMS sent to this person about this application: what the applicant's status page lists.
    Someone else's application lists nothing."""
    rows = await pool.fetch("SELECT template, recipient_masked, text, status, sent_at FROM deliveries"
                            " WHERE application_id = $1 AND person_ref = $2 AND person_ref <> '' ORDER BY seq",
                            application_id, person_ref)
    return [{**dict(r), "sent_at": r["sent_at"].isoformat() if r["sent_at"] else None} for r in rows]
