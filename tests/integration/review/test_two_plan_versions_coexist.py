"""Two versions of one plan at once, on the real PostgreSQL: each application is assessed by
eligibility's reaction table and reviewed by review's with the plan version its filing recorded,
shown in review's season-wide views with its own plan's deadlines, and reminded by notify by them,
never with a setting of any service; a filing citing a plan neither ships is refused as bad data
and leaves no case behind."""
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from contracts import topics
from contracts.envelope import SYSTEM_ACTOR, Actor, Envelope, Role
from contracts.events import ApplicationSubmitted
from contracts.plan import UnknownPlan
from plumbing.core.application import Recorder
from plumbing.core.consumer import is_bad_data
from plumbing.core.eventstore import EventStore
from plumbing.core.projection import ProjectionRunner
from plumbing.core.unit_of_work import PostgresUnitOfWork
from services.eligibility.bootstrap import reaction_tables as eligibility_tables
from services.eligibility.reactions.when_application_filed_assess import ELIGIBILITY_ACTOR
from services.review.adapters import queries
from services.review.adapters.ports_pg import review_ports
from services.review.domain.authorization import Principal
from services.review.bootstrap import reaction_tables as review_tables
from services.review.projections.case_view import make_apply
from services.review.usecases.cases import load_case
from services.review.usecases.sweeping import sweep_overdue
from tests.fixtures.builders import normal_applicant
from tests.fixtures.plans import FIRST, REVISED_VERSION, both_versions
from tests.integration_support import drop_database, migrated_pool

SH = ZoneInfo("Asia/Shanghai")
PLANS = both_versions()


@pytest_asyncio.fixture
async def eligibility_store():
    name, pool = await migrated_pool("eligibility", max_size=3)
    yield EventStore(pool)
    await pool.close()
    await drop_database(name)


def _filed(plan_version: str) -> Envelope:
    app = normal_applicant().model_copy(update={"application_id": uuid.uuid4()})
    payload = ApplicationSubmitted(application=app, plan_version=plan_version)
    now = datetime(2020, 8, 1, 1, tzinfo=UTC)
    return Envelope(event_type="ApplicationSubmitted", schema_version=payload.schema_version,
                    stream_id=f"application-{app.application_id}", stream_version=1, occurred_at=now,
                    recorded_at=now, actor=Actor(role=Role.APPLICANT, user="t"), correlation_id=uuid.uuid4(),
                    payload=payload.model_dump(mode="json"))


async def _through(tables, store: EventStore, envelope: Envelope) -> None:
    """As a service's consumer does: each reaction table in the record's transaction."""
    for table in tables:
        async with store.pool.acquire() as conn, conn.transaction():
            await table.handle(conn, envelope)


async def test_each_application_is_assessed_and_reviewed_with_the_plan_version_it_recorded(store, eligibility_store):
    eligibility = list(eligibility_tables(Recorder(eligibility_store, topic=topics.eligibility(),
                                                   actor=ELIGIBILITY_ACTOR), PLANS).values())
    recorder = Recorder(store, topic=topics.review(), actor=SYSTEM_ACTOR)
    review = list(review_tables(recorder, PLANS).values())
    under_first, under_revised = _filed(FIRST.version), _filed(REVISED_VERSION)
    assessed = {}
    for filed in (under_first, under_revised):
        app_id = uuid.UUID(filed.payload["application"]["application_id"])
        await _through(eligibility, eligibility_store, filed)
        [assessed[app_id]] = await eligibility_store.load_stream(f"eligibility-{app_id}")
        await _through(review, store, filed)  # review learns of the application
        await _through(review, store, assessed[app_id])
    first_id, revised_id = assessed
    # eligibility: the revised version's stricter normal route fails the same application
    assert [(a.payload["plan_version"], a.payload["outcome"]) for a in assessed.values()] == [
        (FIRST.version, "eligible"), (REVISED_VERSION, "ineligible")]
    # review: each case keeps its plan, and the sweep closes by each plan's own unit deadline
    assert [(await load_case(recorder, a))[0].plan_version for a in assessed] == [FIRST.version, REVISED_VERSION]
    await ProjectionRunner("review.case_view", store, make_apply(store)).catch_up()
    between = datetime(2020, 8, 15, 9, tzinfo=SH)  # after 2020.2-test's 8月10日, before 2020.1's 8月20日
    # review's season-wide views: each case with its own plan's unit deadline (ZC_PLAN is the first)
    board = await queries.dashboard(store.pool, PLANS, FIRST, between)
    assert {(n["plan_version"], n["deadline"]) for n in board["near_deadline"] if n["level"] == "unit"} == {
        (FIRST.version, "2020-08-20"), (REVISED_VERSION, "2020-08-10")}
    unit = Principal(Role.UNIT, org=(await load_case(recorder, first_id))[0].scope.unit_org)
    inbox = await queries.inbox(store.pool, unit, PLANS, FIRST)
    assert {c["application_id"]: c["deadline"] for c in inbox["cases"]} == {
        str(first_id): "2020-08-20", str(revised_id): "2020-08-10"}
    assert inbox["deadline"] == "2020-08-10"  # the earliest of the cases shown
    assert await sweep_overdue(lambda: PostgresUnitOfWork(store.pool, recorder, review_ports), PLANS,
                               between) == [revised_id]
    assert "CaseClosed" not in [e.event_type for e in await store.load_stream(f"case-{first_id}")]


async def test_a_filing_citing_a_plan_no_service_ships_is_refused_as_bad_data_and_opens_nothing(eligibility_store):
    eligibility = list(eligibility_tables(Recorder(eligibility_store, topic=topics.eligibility(),
                                                   actor=ELIGIBILITY_ACTOR), PLANS).values())
    filed = _filed("2019.9")
    with pytest.raises(UnknownPlan) as refused:
        await _through(eligibility, eligibility_store, filed)
    assert is_bad_data(refused.value)  # the consumer dead-letters it: visible, never retried for ever
    app_id = filed.payload["application"]["application_id"]
    assert await eligibility_store.load_stream(f"eligibility-{app_id}") == []


async def test_notify_reminds_each_waiting_case_by_the_deadline_of_the_plan_version_it_recorded(store, eligibility_store):
    """The same unit waits on two cases filed under two versions: notify, fed the real filings and
    CaseOpened events, keeps each application's plan and reminds by each version's unit deadline."""
    from services.notify.usecases.planning import Plans
    from services.notify.usecases.reminding import run_reminders
    from services.notify.usecases.status import reminder_status
    from tests.integration.notify.events import unit_authorized
    from tests.integration.notify.planning import CATALOGUE, consume, units

    eligibility = list(eligibility_tables(Recorder(eligibility_store, topic=topics.eligibility(),
                                                   actor=ELIGIBILITY_ACTOR), PLANS).values())
    review = list(review_tables(Recorder(store, topic=topics.review(), actor=SYSTEM_ACTOR), PLANS).values())
    name, pool = await migrated_pool("notify", max_size=3)
    notify_store = EventStore(pool)
    plans = Plans(PLANS, {FIRST.plan_id: CATALOGUE}, open=FIRST)  # notify's ZC_PLAN: the first version
    try:
        for filed in (_filed(FIRST.version), _filed(REVISED_VERSION)):
            app_id = filed.payload["application"]["application_id"]
            await _through(eligibility, eligibility_store, filed)
            await _through(review, store, filed)
            await _through(review, store, (await eligibility_store.load_stream(f"eligibility-{app_id}"))[0])
            [case] = await store.load_stream(f"case-{app_id}")
            await consume(notify_store, filed, case, plans=plans)
        acting = case.payload["acting"]["org_id"]  # both wait at the same unit
        await consume(notify_store, unit_authorized(acting, "13800000031"), plans=plans)  # the unit's operator
        revised_day = datetime(2020, 8, 5, 10, tzinfo=SH)  # 3 working days before 2020.2-test's 8月10日
        [early] = await run_reminders(units(notify_store), plans, revised_day)
        assert (early.deadline.isoformat(), early.waiting_cases) == ("2020-08-10", 1)
        [late] = await run_reminders(units(notify_store), plans, datetime(2020, 8, 18, 10, tzinfo=SH))
        assert (late.deadline.isoformat(), late.waiting_cases) == ("2020-08-20", 1)
        async with units(notify_store)() as uow:
            report = (await reminder_status(uow))["reminders"]
        assert sorted(r["deadline"] for r in report) == ["2020-08-10", "2020-08-20"]
        texts = [r["text"] for r in sorted(report, key=lambda r: r["deadline"])]
        assert "8月10日" in texts[0] and "8月20日" in texts[1]  # each SMS names its own plan's deadline
    finally:
        await pool.close()
        await drop_database(name)
