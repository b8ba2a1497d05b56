"""Who read what personal data: recorded before the answer is sent, or the read is refused.

A route that answers with personal data (an applicant's file, a case page, an export, SMS texts,
staff names) calls `record_read` after it has authorised and loaded, before it returns. One
transaction writes the row (append-only table `personal_data_reads`) and queues its copy for the
audit topic (witness.py's `PersonalDataRead`), so a database login cannot quietly remove a read
that was already relayed. If the record cannot be written the caller gets 503 READ_NOT_RECORDED
and no data.
"""
from __future__ import annotations

import json

import asyncpg
from fastapi import Request

from contracts import topics
from contracts.errors import Refused
from plumbing.core import witness
from plumbing.logging import get_logger

log = get_logger(__name__)


class ReadNotRecorded(Refused):
    status = 503
    code = "READ_NOT_RECORDED"


_INSERT = ("INSERT INTO personal_data_reads (account, role, organisation, route, what, subject, person_refs)"
           " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, read_at")


async def record_read(request: Request, what: str, subject: str, person_refs: list[str] = ()) -> None:
    """Record that the verified caller of `request` is being shown `what` about `subject`."""
    runtime = request.app.state.runtime
    who = request.state.caller
    route = getattr(request.scope.get("route"), "path", request.url.path)
    refs = sorted({r for r in person_refs if r})
    try:
        async with runtime.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(_INSERT, who.uid, who.role.value, who.org, route, what, subject, refs)
            record = {"record": witness.READ, "service": runtime.settings.service, "read_id": row["id"],
                      "read_at": row["read_at"].isoformat(), "account": who.uid, "role": who.role.value,
                      "organisation": who.org, "route": route, "what": what, "subject": subject, "person_refs": refs}
            await conn.execute("INSERT INTO outbox (event_id, topic, key, raw) VALUES (NULL, $1, $2, $3::jsonb)",
                               topics.audit(), runtime.settings.service, json.dumps(record, ensure_ascii=False))
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        log.error("reads.not_recorded", what=what, error=repr(exc))
        raise ReadNotRecorded("无法记录本次查阅，已拒绝查看个人信息，请稍后重试",
                              "this read of personal data could not be recorded, so it is refused; retry later") from None


async def reads_of(conn, *, person_ref: str | None = None, account: str | None = None) -> list[dict]:
    rows = await conn.fetch(
        "SELECT id, read_at, account, role, organisation, route, what, subject, person_refs FROM personal_data_reads"
        " WHERE ($1::text IS NULL OR $1 = ANY(person_refs)) AND ($2::text IS NULL OR account = $2)"
        " ORDER BY read_at, id", person_ref, account)
    return [dict(r) for r in rows]
