"""review's ports on PostgreSQL, on the unit of work's connection (usecases/ports.py)."""
from __future__ import annotations

import uuid

from contracts.personal_record import PersonalRecord
from plumbing.core.personal_publisher import queue_record
from services.review.domain.case import CLOSED, Stage
from services.review.usecases.ports import OpenCase, ReviewPorts

_ENDED = sorted(s.value for s in CLOSED | {Stage.FORWARDED})


class PgCaseIndex:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def open_cases(self) -> list[OpenCase]:
        rows = await self.conn.fetch("SELECT application_id, level, area FROM case_view"
                                     " WHERE NOT (stage = ANY($1::text[])) ORDER BY application_id", _ENDED)
        return [OpenCase(r["application_id"], r["level"], r["area"]) for r in rows]


class PgKnownApplications:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def remember(self, application_id: uuid.UUID, revision: int) -> None:
        await self.conn.execute(
            "INSERT INTO known_applications (application_id, revision) VALUES ($1, $2) ON CONFLICT (application_id)"
            " DO UPDATE SET revision = GREATEST(known_applications.revision, EXCLUDED.revision)",
            application_id, revision)

    async def knows(self, application_id: uuid.UUID) -> bool:
        return bool(await self.conn.fetchval("SELECT true FROM known_applications WHERE application_id = $1",
                                             application_id))


class PgOperatorContacts:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def queue(self, operator_ref: str, record: PersonalRecord | None) -> None:
        await queue_record(self.conn, operator_ref, record)


class PgFeedContext:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def note(self, application_id: uuid.UUID, revision: int, plan_id: str, plan_version: str,
                   failing_rules: list[str]) -> None:
        await self.conn.execute(
            "INSERT INTO feed_context (application_id, revision, plan_id, plan_version, failing_rules)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (application_id) DO UPDATE SET revision = EXCLUDED.revision,"
            " plan_id = EXCLUDED.plan_id, plan_version = EXCLUDED.plan_version, failing_rules = EXCLUDED.failing_rules"
            " WHERE feed_context.revision <= EXCLUDED.revision",
            application_id, revision, plan_id, plan_version, failing_rules)


def review_ports(conn) -> ReviewPorts:
    return ReviewPorts(cases=PgCaseIndex(conn), known=PgKnownApplications(conn), contacts=PgOperatorContacts(conn),
                       feed_context=PgFeedContext(conn))
