"""eligibility's reaction and its one read use case on the in-memory unit of work, through the
bootstrap's own reaction table."""
import uuid
from datetime import UTC, datetime

import pytest

from contracts import topics
from contracts.envelope import Actor, Envelope, Role
from contracts.errors import NotFound
from contracts.events import ApplicationSubmitted
from contracts.plan import UnknownPlan, load_plan, plan_registry
from plumbing.core.application import Recorder
from plumbing.core.memory_store import InMemoryEventStore
from plumbing.core.unit_of_work import InMemoryUnitOfWork
from services.eligibility.bootstrap import reaction_tables
from services.eligibility.reactions.when_application_filed_assess import ELIGIBILITY_ACTOR
from services.eligibility.usecases.assessments import assessments_of
from tests.fixtures.builders import normal_applicant
from tests.fixtures.plans import REVISED_VERSION, both_versions

PLAN = load_plan()
NOW = datetime(2020, 8, 10, 1, tzinfo=UTC)


def submitted(app, plan_version: str = PLAN.version) -> Envelope:
    payload = ApplicationSubmitted(application=app, plan_version=plan_version)
    return Envelope(event_type="ApplicationSubmitted", schema_version=payload.schema_version,
                    stream_id=f"application-{app.application_id}", stream_version=1, occurred_at=NOW, recorded_at=NOW,
                    actor=Actor(role=Role.APPLICANT, user="t"), correlation_id=uuid.uuid4(),
                    payload=payload.model_dump(mode="json"))


def unit_of_work() -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(Recorder(InMemoryEventStore(), topic=topics.eligibility(), actor=ELIGIBILITY_ACTOR))


async def test_a_filing_is_assessed_once_on_its_stream_however_often_it_is_delivered():
    uow, app = unit_of_work(), normal_applicant()
    [(topic, table)] = reaction_tables(uow.recorder, plan_registry()).items()
    assert topic == topics.applications()
    filed = submitted(app)
    for _ in range(2):
        async with uow:
            await table.react(uow, filed)
    [assessed] = await uow.store.load_stream(f"eligibility-{app.application_id}")
    assert assessed.event_type == "EligibilityAssessed" and assessed.causation_id == filed.event_id
    assert assessed.actor == ELIGIBILITY_ACTOR and [o.topic for o in uow.outbox] == [topics.eligibility()]


async def test_the_assessments_are_read_by_those_in_scope_and_look_absent_to_anyone_else():
    uow, app = unit_of_work(), normal_applicant()
    [(_topic, table)] = reaction_tables(uow.recorder, plan_registry()).items()
    async with uow:
        await table.react(uow, submitted(app))
    async with uow:
        [read] = await assessments_of(uow, app.application_id, lambda s: s.unit_id == app.unit.unit_id)
    assert read.event_type == "EligibilityAssessed"
    with pytest.raises(NotFound):
        await assessments_of(uow, app.application_id, lambda _s: False)
    with pytest.raises(NotFound):
        await assessments_of(uow, uuid.uuid4(), lambda _s: True)


async def test_each_filing_is_assessed_with_the_plan_version_it_records_and_an_unknown_one_is_refused():
    uow = unit_of_work()
    [(_topic, table)] = reaction_tables(uow.recorder, both_versions()).items()
    under_first, under_revised = (normal_applicant().model_copy(update={"application_id": uuid.uuid4()})
                                  for _ in range(2))
    async with uow:
        await table.react(uow, submitted(under_first))
        await table.react(uow, submitted(under_revised, REVISED_VERSION))
    [first] = await uow.store.load_stream(f"eligibility-{under_first.application_id}")
    [revised] = await uow.store.load_stream(f"eligibility-{under_revised.application_id}")
    assert (first.payload["plan_version"], first.payload["outcome"]) == (PLAN.version, "eligible")
    assert (revised.payload["plan_version"], revised.payload["outcome"]) == (REVISED_VERSION, "ineligible")
    with pytest.raises(UnknownPlan):
        async with uow:
            await table.react(uow, submitted(normal_applicant(), "2019.9"))
