"""The delivery view of one application: every planned SMS, its recipient (masked) and status."""
from __future__ import annotations

import uuid

import asyncpg


async def delivery_status(pool: asyncpg.Pool, application_id: uuid.UUID) -> dict:
    rows = await pool.fetch(
        "SELECT template, recipient_masked, text, status, attempts, last_error, created_at, sent_at"
        " FROM deliveries WHERE application_id = $1 ORDER BY created_at, template", application_id)
    failed = await pool.fetch(
        "SELECT payload->>'template' AS template, payload->>'recipient_masked' AS recipient_masked,"
        " payload->>'reason' AS reason, recorded_at FROM events"
        " WHERE event_type = 'NotificationFailed' AND payload->>'application_id' = $1 ORDER BY position",
        str(application_id))
    return {"application_id": str(application_id),
            "deliveries": [{**dict(r), "created_at": r["created_at"].isoformat(),
                            "sent_at": r["sent_at"].isoformat() if r["sent_at"] else None} for r in rows],
            "failures": [{**dict(r), "recorded_at": r["recorded_at"].isoformat()} for r in failed]}
