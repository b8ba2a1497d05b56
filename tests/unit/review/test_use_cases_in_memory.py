"""Every review use case and reaction on the in-memory unit of work (no PostgreSQL): the events
appended and the read-model writes, through the bootstrap's own reaction tables."""
import uuid
from datetime import UTC, datetime

import pytest

from contracts import topics
from contracts.envelope import SYSTEM_ACTOR, Actor, Envelope, Role
from contracts.errors import Conflict, Forbidden
from contracts.events import ApplicationSubmitted, ApplicationWithdrawn, Outcome
from contracts.plan import UnknownPlan, load_plan
from plumbing.core.application import Recorder
from plumbing.core.memory_store import InMemoryEventStore
from plumbing.core.references import ReferenceNotYetKnown
from plumbing.core.unit_of_work import InMemoryUnitOfWork
from services.eligibility.domain.assess import assess
from services.review.adapters.ports_memory import memory_ports
from services.review.bootstrap import reaction_tables
from services.review.domain import commands as c
from services.review.domain.archive import AddArchiveEntry, ReviewArchiveEntry
from services.review.domain.authorization import Principal
from services.review.domain.unit_authorization import AuthorizeUnit
from services.review.usecases.cases import execute_archive, load_case, take_decision
from services.review.usecases.ports import OpenCase
from services.review.usecases.sweeping import sweep_overdue
from services.review.usecases.units import authorize_unit
from tests.fixtures.builders import normal_applicant
from tests.fixtures.plans import REVISED_VERSION, both_versions, revised_plan
from tests.unit.review.builders import SH

PLAN = load_plan()
PLANS = both_versions()  # the shipped plan and a test-only second version of it
NOW = datetime(2020, 8, 10, 1, tzinfo=UTC)
CITY = Actor(role=Role.CITY_HR_BUREAU, organisation="sx-city-hr", user="chen")


def unit_of_work() -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(Recorder(InMemoryEventStore(), topic=topics.review(), actor=SYSTEM_ACTOR), memory_ports())


def envelope(payload, app_id) -> Envelope:
    return Envelope(event_type=type(payload).__name__, stream_id=f"x-{app_id}", stream_version=1, occurred_at=NOW,
                    recorded_at=NOW, actor=SYSTEM_ACTOR, correlation_id=app_id, payload=payload.model_dump(mode="json"),
                    schema_version=payload.schema_version)


def application(app_id: uuid.UUID, revision: int = 1):
    return normal_applicant().model_copy(update={"application_id": app_id, "revision": revision})


async def consume(uow, *envelopes):
    tables = list(reaction_tables(uow.recorder, PLANS).values())
    for e in envelopes:
        async with uow:
            for table in tables:
                await table.react(uow, e)


async def events(uow, app_id) -> list[str]:
    return [e.event_type for e in await uow.store.load_stream(f"case-{app_id}")]


async def test_an_assessment_opens_a_case_only_once_its_application_is_known():
    uow, app_id = unit_of_work(), uuid.uuid4()
    assessed = envelope(assess(application(app_id), PLAN), app_id)
    with pytest.raises(ReferenceNotYetKnown):
        await consume(uow, assessed)
    assert await events(uow, app_id) == []
    await consume(uow, envelope(ApplicationSubmitted(application=application(app_id), plan_version=PLAN.version), app_id), assessed, assessed)
    assert await uow.ports.known.knows(app_id)
    assert await events(uow, app_id) == ["CaseOpened"]  # the redelivery changed nothing


async def test_an_assessment_is_noted_for_the_analysts_feed_with_its_plan_and_failing_rules():
    uow, app_id = unit_of_work(), uuid.uuid4()
    assessed = assess(application(app_id), PLAN)
    await consume(uow, envelope(ApplicationSubmitted(application=application(app_id), plan_version=PLAN.version), app_id),
                  envelope(assessed, app_id))
    failing = sorted({r.code for r in assessed.rules if not r.passed})
    assert uow.ports.feed_context.noted[app_id] == (1, PLAN.plan_id, PLAN.version, failing)


async def test_a_withdrawal_before_the_assessment_keeps_the_case_from_ever_opening():
    uow, app_id = unit_of_work(), uuid.uuid4()
    await consume(uow, envelope(ApplicationSubmitted(application=application(app_id), plan_version=PLAN.version), app_id),
                  envelope(ApplicationWithdrawn(application_id=app_id, reason="个人原因"), app_id),
                  envelope(assess(application(app_id), PLAN), app_id))
    assert await events(uow, app_id) == ["CaseClosed"]
    with pytest.raises(Conflict):
        await load_case(uow, app_id)


async def test_a_decision_is_authorised_then_saved_with_the_expected_version():
    uow, app_id = unit_of_work(), uuid.uuid4()
    await consume(uow, envelope(ApplicationSubmitted(application=application(app_id), plan_version=PLAN.version), app_id),
                  envelope(assess(application(app_id), PLAN), app_id))
    case, _ = await load_case(uow, app_id)
    unit = Principal(role=Role.UNIT, org=case.summary.unit_id, area=case.summary.unit_area, user="u")
    outsider = Principal(role=Role.UNIT, org="another-unit", area=case.summary.unit_area, user="x")
    with pytest.raises(Forbidden):
        async with uow:
            await take_decision(uow, PLANS, app_id, "unit_pass", lambda: c.UnitPass(outsider.actor(), app_id, "同意"),
                                principal=outsider, now=datetime(2020, 8, 11, 10, tzinfo=SH))
    async with uow:
        saved, after = await take_decision(uow, PLANS, app_id, "unit_pass", lambda: c.UnitPass(unit.actor(), app_id, "同意"),
                                           principal=unit, now=datetime(2020, 8, 11, 10, tzinfo=SH))
    assert [e.event_type for e in saved][0] == "UnitApproved" and after.stage.value != "at_unit"


async def test_the_sweep_closes_what_the_case_index_shows_overdue_once_and_leaves_cases_in_time():
    uow, late, in_time = unit_of_work(), uuid.uuid4(), uuid.uuid4()
    for app_id in (late, in_time):
        await consume(uow, envelope(ApplicationSubmitted(application=application(app_id), plan_version=PLAN.version), app_id),
                      envelope(assess(application(app_id), PLAN), app_id))
    case, _ = await load_case(uow, late)
    uow.ports.cases.rows = {a: OpenCase(a, "unit", case.summary.unit_area) for a in (late, in_time)}
    assert await sweep_overdue(lambda: uow, PLANS, datetime(2020, 8, 20, 23, tzinfo=SH)) == []
    assert sorted(await sweep_overdue(lambda: uow, PLANS, datetime(2020, 8, 21, 0, 30, tzinfo=SH))) == sorted([late, in_time])
    assert (await events(uow, late))[-3:] == ["ClosedOverdue", "CaseClosed", "CaseMovedTo"]
    assert await sweep_overdue(lambda: uow, PLANS, datetime(2020, 8, 21, 0, 30, tzinfo=SH)) == []  # once


async def test_each_case_keeps_the_plan_its_assessment_names_and_the_sweep_uses_that_plans_deadline():
    uow, first, revised = unit_of_work(), uuid.uuid4(), uuid.uuid4()
    for app_id, plan in ((first, PLAN), (revised, revised_plan())):
        await consume(uow, envelope(ApplicationSubmitted(application=application(app_id), plan_version=plan.version),
                                    app_id), envelope(assess(application(app_id), plan), app_id))
    cases = {app_id: (await load_case(uow, app_id))[0] for app_id in (first, revised)}
    assert {a: c.plan_version for a, c in cases.items()} == {first: PLAN.version, revised: REVISED_VERSION}
    uow.ports.cases.rows = {a: OpenCase(a, "unit", c.summary.unit_area) for a, c in cases.items()}
    # 8月15日: past the revised plan's unit deadline (8月10日), before the first plan's (8月20日)
    assert await sweep_overdue(lambda: uow, PLANS, datetime(2020, 8, 15, 9, tzinfo=SH)) == [revised]
    assert (await events(uow, first))[-1] == "CaseOpened"


async def test_an_assessment_under_a_plan_review_does_not_ship_opens_no_case():
    uow, app_id = unit_of_work(), uuid.uuid4()
    unknown = revised_plan().model_copy(update={"version": "2019.9"})
    with pytest.raises(UnknownPlan):
        await consume(uow, envelope(ApplicationSubmitted(application=application(app_id), plan_version="2019.9"), app_id),
                      envelope(assess(application(app_id), unknown), app_id))
    assert await events(uow, app_id) == []


async def test_a_unit_authorization_is_one_event_and_queues_its_operator_and_the_replaced_ones_tombstone():
    uow = unit_of_work()

    def approve(phone: str) -> AuthorizeUnit:
        return AuthorizeUnit(CITY, "u-kq-zhjs", "绍兴柯桥中恒建设有限公司", "钱芳", phone, "test-ref-secret")

    async with uow:
        [first] = await authorize_unit(uow, approve("13957512345"), now=NOW)
    async with uow:
        [second] = await authorize_unit(uow, approve("13800571234"), now=NOW)
    assert [e.event_type for e in await uow.store.load_stream("unit-u-kq-zhjs")] == ["UnitAuthorized"] * 2
    queued = uow.ports.contacts.queued
    assert queued[-1] == (first.payload["operator_ref"], None)  # the replaced operator's tombstone
    assert queued[0][0] == second.payload["operator_ref"] and "钱芳" == queued[0][1].name
    with pytest.raises(Conflict):  # the same operator again
        async with uow:
            await authorize_unit(uow, approve("13800571234"), now=NOW)


async def test_an_archive_entry_is_added_once_and_judged_by_its_unit():
    uow = unit_of_work()
    applicant = Actor(role=Role.APPLICANT, user="wu")
    add = AddArchiveEntry(applicant, "ach-1", "ref:wu", "u-kq-zhjs", "柯桥体育中心", datetime(2019, 6, 30).date(), "project")
    async with uow:
        [added] = await execute_archive(uow, add, now=NOW, key="ach-1")
    with pytest.raises(Conflict):
        async with uow:
            await execute_archive(uow, add, now=NOW, key="ach-1")
    async with uow:
        [judged] = await execute_archive(uow, ReviewArchiveEntry(Actor(role=Role.UNIT, organisation="u-kq-zhjs",
                                                                       user="li"), "ach-1", True, "属实"),
                                         now=NOW, key="ach-1")
    assert (added.event_type, judged.event_type) == ("ArchiveEntryAdded", "ArchiveEntryApproved")
