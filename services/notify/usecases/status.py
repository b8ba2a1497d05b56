"""The delivery view of one application: every planned SMS, its recipient (masked) and status."""
from __future__ import annotations

import uuid

import asyncpg


async def delivery_status(pool: asyncpg.Pool, application_id: uuid.UUID, *, limit: int = 100,
                          after: int | None = None) -> dict:
    """One page of the application's deliveries in the order they were planned (`after`: the last
    page's `next_key`), and its failures."""
    rows = await pool.fetch(
        "SELECT seq, template, recipient_masked, text, status, attempts, last_error, created_at, sent_at,"
        # Accepted by the development stub (sms_log): recorded, never sent to anyone.
        " EXISTS (SELECT 1 FROM sms_log l WHERE l.dedup_key = deliveries.dedup_key) AS recorded_only"
        " FROM deliveries WHERE application_id = $1 AND ($2::bigint IS NULL OR seq > $2) ORDER BY seq LIMIT $3",
        application_id, after, limit + 1)
    next_key = (rows[limit - 1]["seq"],) if len(rows) > limit else None
    rows = [{k: v for k, v in dict(r).items() if k != "seq"} for r in rows[:limit]]
    failed = await pool.fetch(
        "SELECT payload->>'template' AS template, payload->>'recipient_masked' AS recipient_masked,"
        " payload->>'reason' AS reason, recorded_at FROM events"
        " WHERE event_type = 'NotificationFailed' AND payload->>'application_id' = $1 ORDER BY position",
        str(application_id))
    return {"application_id": str(application_id), "next_key": next_key,
            "deliveries": [{**r, "created_at": r["created_at"].isoformat(),
                            "sent_at": r["sent_at"].isoformat() if r["sent_at"] else None} for r in rows],
            "failures": [{**dict(r), "recorded_at": r["recorded_at"].isoformat()} for r in failed]}


async def reminder_status(pool: asyncpg.Pool, *, limit: int = 100, after: tuple | None = None) -> dict:
    """One page of the deadline reminders planned (by deadline; `after`: the last page's `next_key`):
    recipient, deadline, cases, and its delivery or failure."""
    rows = await pool.fetch(
        "SELECT r.event_id, r.org_id, r.level, r.deadline, r.days_before, r.waiting_cases, r.planned_on,"
        " d.recipient_masked, d.text, d.status, d.attempts, d.sent_at, d.dedup_key, f.payload->>'reason' AS failure"
        " FROM reminders r LEFT JOIN deliveries d ON d.caused_by_event_id = r.event_id"
        " LEFT JOIN events f ON f.event_type = 'NotificationFailed'"
        "  AND f.payload->>'caused_by_event_id' = r.event_id::text"
        " WHERE $1::date IS NULL OR (r.deadline, -r.days_before, r.org_id, r.event_id::text) > ($1, -$2::int, $3, $4)"
        " ORDER BY r.deadline, r.days_before DESC, r.org_id, r.event_id::text LIMIT $5", *(after or (None,) * 4),
        limit + 1)
    last = rows[limit - 1] if len(rows) > limit else None
    rows = rows[:limit]
    return {"next_key": (last["deadline"].isoformat(), last["days_before"], last["org_id"], str(last["event_id"]))
            if last else None, "reminders": [{**dict(r), "event_id": str(r["event_id"]), "deadline": r["deadline"].isoformat(),
                           "planned_on": r["planned_on"].isoformat(),
                           "status": r["status"] or ("failed" if r["failure"] else None),
                           "sent_at": r["sent_at"].isoformat() if r["sent_at"] else None} for r in rows]}
