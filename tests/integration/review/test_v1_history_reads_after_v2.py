"""A case stored before review said who acts next (CaseOpened v1) still loads, projects and takes
decisions; what is appended now is the newest version (and CaseMovedTo), and the mixed stream reads as one."""
import uuid
from datetime import UTC, datetime

from contracts import topics
from contracts.envelope import SYSTEM_ACTOR, Actor, Role
from contracts.plan import plan_registry
from contracts.events import ApplicationSummary, Outcome, Payload, ReturnedSection, UnitApproved
from plumbing.core.application import Recorder
from plumbing.core.eventstore import NewEvent
from services.review.domain import commands as c
from services.review.domain.authorization import Principal
from services.review.domain.case import Stage
from services.review.projections.case_view import make_apply
from plumbing.core.unit_of_work import PostgresUnitOfWork
from services.review.adapters.ports_pg import review_ports
from services.review.usecases.cases import decided, load_case, take_decision
from tests.unit.review.builders import PLAN, summary

NOW = datetime(2020, 8, 12, 2, tzinfo=UTC)


class CaseOpened(Payload):
    """CaseOpened as version 1 wrote it: no `acting`."""

    application_id: uuid.UUID
    revision: int
    outcome: Outcome
    summary: ApplicationSummary


async def test_a_v1_history_reads_decides_and_projects_beside_new_v2_events(store):
    app = uuid.uuid4()
    recorder = Recorder(store, topic=topics.review(), actor=SYSTEM_ACTOR)
    unit = Actor(role=Role.UNIT, organisation="unit-yc-1", user="li")
    s = summary()
    await store.append(f"case-{app}", 0, [
        NewEvent(CaseOpened(application_id=app, revision=1, outcome=Outcome.ELIGIBLE, summary=s), SYSTEM_ACTOR,
                 correlation_id=app, schema_version=1),
        NewEvent(UnitApproved(application_id=app, opinion="同意"), unit, correlation_id=app)])

    case, version = await load_case(recorder, app)
    assert (case.stage, version, case.revision) == (Stage.AWAITING_NOTICE, 2, 1)
    assert (case.plan_id, case.plan_version) == (PLAN.plan_id, PLAN.version)  # history's one plan (upcasters.py)

    principal = Principal(Role.UNIT, "unit-yc-1", "yuecheng", "li")
    returned = lambda: c.ReturnForRevision(unit, app, "补材料", (ReturnedSection(section="papers", reason="缺页"),))
    async with PostgresUnitOfWork(recorder.store.pool, recorder, review_ports) as uow:
        saved, after = await take_decision(uow, plan_registry(), app, "return", returned, principal=principal, now=NOW)
    assert [e.event_type for e in saved] == ["Returned", "CaseMovedTo"] and after.stage is Stage.RETURNED
    assert saved[1].payload["acting"] is None

    reopened = decided(after, c.OpenCase(SYSTEM_ACTOR, app, 2, Outcome.ELIGIBLE, s), PLAN, NOW)
    await recorder.save(f"case-{app}", reopened, key=str(app), expected_version=4)

    stream = await store.load_stream(f"case-{app}")
    assert [(e.event_type, e.schema_version) for e in stream] == [
        ("CaseOpened", 1), ("UnitApproved", 1), ("Returned", 1), ("CaseMovedTo", 1), ("CaseOpened", 4)]
    assert stream[-1].payload["acting"] == {"level": "unit", "org_id": "unit-yc-1"}
    case, version = await load_case(recorder, app)
    assert (case.stage, case.revision, version) == (Stage.AT_UNIT, 2, 5)

    async with store.pool.acquire() as conn, conn.transaction():
        await make_apply(store)(conn, await store.read_all())
    row = await store.pool.fetchrow("SELECT stage, revision, stream_version FROM case_view WHERE application_id = $1",
                                    app)
    assert tuple(row) == ("at_unit", 2, 5)
