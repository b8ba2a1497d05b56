"""One contract for each of review's ports, run against its in-memory and its PostgreSQL adapter."""
import uuid
from datetime import UTC, datetime

import pytest_asyncio

from contracts.personal_record import PersonalRecord
from services.review.adapters.ports_memory import memory_ports
from services.review.adapters.ports_pg import review_ports
from services.review.usecases.ports import OpenCase


class Memory:
    def __init__(self) -> None:
        self.ports = memory_ports()

    async def case_view(self, app: uuid.UUID, stage: str, level: str | None, area: str) -> None:
        if stage not in ("closed_overdue", "forwarded", "rejected", "withdrawn"):
            self.ports.cases.rows[app] = OpenCase(app, level, area)

    async def queued(self) -> list:
        return [(ref, r.name if r else None) for ref, r in self.ports.contacts.queued]

    async def feed_context(self, app: uuid.UUID):
        return self.ports.feed_context.noted.get(app)


class Postgres:
    def __init__(self, conn) -> None:
        self.conn, self.ports = conn, review_ports(conn)

    async def case_view(self, app: uuid.UUID, stage: str, level: str | None, area: str) -> None:
        await self.conn.execute(
            "INSERT INTO case_view (application_id, stream_version, revision, stage, level, outcome, applicant_name,"
            " person_ref, unit_id, unit_name, area, route, specialty, interview_required, updated_at, plan_id,"
            " plan_version) VALUES ($1, 1, 1, $2, $3, 'eligible', '', 'ref', 'u', 'u', $4, 'normal', 's', false, $5,"
            " 'zj-sx-2020-zgj', '2020.1')",
            app, stage, level, area, datetime.now(UTC))

    async def queued(self) -> list:
        rows = await self.conn.fetch("SELECT person_ref, record->>'name' AS name FROM personal_outbox ORDER BY id")
        return [(r["person_ref"], r["name"]) for r in rows]

    async def feed_context(self, app: uuid.UUID):
        row = await self.conn.fetchrow("SELECT revision, plan_id, plan_version, failing_rules FROM feed_context"
                                       " WHERE application_id = $1", app)
        return (row["revision"], row["plan_id"], row["plan_version"], list(row["failing_rules"])) if row else None


@pytest_asyncio.fixture(params=["memory", "postgresql"])
async def side(request, store):
    if request.param == "memory":
        yield Memory()
        return
    async with store.pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            yield Postgres(conn)
        finally:
            await tx.rollback()


async def test_the_case_index_lists_the_cases_that_have_not_ended_by_application(side):
    waiting, returned, done = sorted([uuid.uuid4(), uuid.uuid4(), uuid.uuid4()])
    await side.case_view(waiting, "at_unit", "unit", "keqiao")
    await side.case_view(returned, "returned", None, "yuecheng")
    await side.case_view(done, "forwarded", None, "keqiao")
    assert await side.ports.cases.open_cases() == [OpenCase(waiting, "unit", "keqiao"),
                                                   OpenCase(returned, None, "yuecheng")]


async def test_an_application_is_known_once_filed_whatever_revision_comes_next(side):
    app = uuid.uuid4()
    assert not await side.ports.known.knows(app)
    await side.ports.known.remember(app, 2)
    await side.ports.known.remember(app, 1)
    assert await side.ports.known.knows(app)


async def test_an_operators_contact_is_queued_and_a_tombstone_replaces_what_waits(side):
    await side.ports.contacts.queue("op-1", PersonalRecord(person_ref="op-1", name="钱芳", phone="13957512345"))
    await side.ports.contacts.queue("op-2", PersonalRecord(person_ref="op-2", name="李", phone="13957512346"))
    await side.ports.contacts.queue("op-1", None)
    assert await side.queued() == [("op-2", "李"), ("op-1", None)]


async def test_the_feed_keeps_the_newest_assessments_plan_and_failing_rules_never_an_older_ones(side):
    app = uuid.uuid4()
    assert await side.feed_context(app) is None
    await side.ports.feed_context.note(app, 2, "zj-sx-2020-zgj", "2020.1", ["CE_HOURS"])
    await side.ports.feed_context.note(app, 1, "zj-sx-2020-zgj", "2020.1", ["AGE", "CE_HOURS"])
    assert await side.feed_context(app) == (2, "zj-sx-2020-zgj", "2020.1", ["CE_HOURS"])
    await side.ports.feed_context.note(app, 3, "zj-sx-2020-zgj", "2020.1", [])
    assert await side.feed_context(app) == (3, "zj-sx-2020-zgj", "2020.1", [])
