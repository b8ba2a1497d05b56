"""Two versions of one plan at once, on the real PostgreSQL: each application is assessed by
eligibility's reaction table and reviewed by review's with the plan version its filing recorded,
never with a setting of either service; a filing citing a plan neither ships is refused as bad
data and leaves no case behind."""
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
from services.review.adapters.ports_pg import review_ports
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
