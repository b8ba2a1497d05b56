"""Intake's use cases and reactions on the real PostgreSQL: submit, cite the archive, be returned,
resubmit, withdraw; every refusal stores nothing."""
import uuid
from datetime import UTC, datetime

import pytest

from contracts.application import UnitKind
from contracts.envelope import SYSTEM_ACTOR, Actor, Envelope, Role
from contracts.errors import Conflict, InvalidInput
from contracts.events import (ArchiveEntryAdded, ArchiveEntryApproved, Payload, Returned, ReviewLevel,
                              UnitAuthorized)
from contracts.plan import load_plan, plan_registry
from plumbing.core.causes import Cause, caused_by
from plumbing.core.consumer import is_bad_data
from plumbing.core.references import PhantomReference
from services.intake.usecases import filing
from tests.fixtures.builders import normal_applicant
from tests.integration.intake.conftest import unit_of_work

NOW = datetime(2020, 8, 12, 2, tzinfo=UTC)
PLAN = load_plan()


def review_event(payload: Payload) -> Envelope:
    return Envelope(event_type=type(payload).__name__, stream_id="from-review", stream_version=1, occurred_at=NOW,
                    recorded_at=NOW, actor=SYSTEM_ACTOR, correlation_id=uuid.uuid4(),
                    payload=payload.model_dump(mode="json"),
                    schema_version=payload.schema_version)


def authorised(app) -> Envelope:
    return review_event(UnitAuthorized(unit_id=app.unit.unit_id, unit_name=app.unit.name, operator_ref="ab" * 32))


def archive_of(app, approved: bool = True, unit_authorised: bool = True) -> list[Envelope]:
    events = [authorised(app)] if unit_authorised else []
    for a in app.achievements:
        events.append(review_event(ArchiveEntryAdded(entry_id=a.entry_id, person_ref=app.applicant.person_ref,
                                                     unit_id=app.unit.unit_id, title=a.title,
                                                     achieved_on=a.achieved_on)))
        if approved:
            events.append(review_event(ArchiveEntryApproved(entry_id=a.entry_id, unit_id=app.unit.unit_id)))
    return events


def applicant(app) -> Actor:
    return Actor(role=Role.APPLICANT, user=app.applicant.person_ref[:8])


async def submit(recorder, app, now=NOW):
    async with unit_of_work(recorder) as uow:
        return await filing.submit(uow, app, None, applicant(app), now, plan=PLAN)


async def test_a_filing_is_one_event_with_its_outbox_row_under_the_requests_cause(recorder, consume):
    app = normal_applicant().model_copy(update={"application_id": uuid.uuid4()})
    await consume(*archive_of(app))
    cause = Cause(uuid.uuid4(), uuid.uuid4())
    with caused_by(cause):
        answer = await submit(recorder, app)
    [stored] = await recorder.store.load_stream(f"application-{app.application_id}")
    assert answer["event_ids"] == [str(stored.event_id)] and stored.event_type == "ApplicationSubmitted"
    assert (stored.correlation_id, stored.causation_id) == (cause.correlation_id, cause.causation_id)
    assert await recorder.store.pool.fetchval("SELECT count(*) FROM outbox WHERE event_id = $1", stored.event_id) == 1
    with pytest.raises(Conflict) as again:
        await submit(recorder, app)
    assert again.value.code == "ALREADY_SUBMITTED"


async def test_citing_an_entry_the_unit_has_not_approved_is_refused_and_stores_nothing(recorder, consume):
    app = normal_applicant().model_copy(update={"application_id": uuid.uuid4()})
    await consume(*archive_of(app, approved=False))
    with pytest.raises(InvalidInput) as refused:
        await submit(recorder, app)
    assert {d["code"] for d in refused.value.details} == {"ACHIEVEMENT_NOT_APPROVED"}
    assert await recorder.store.load_stream(f"application-{app.application_id}") == []


async def test_only_a_returned_application_can_be_resubmitted_and_then_only_once(recorder, consume):
    app = normal_applicant().model_copy(update={"application_id": uuid.uuid4()})
    await consume(*archive_of(app))
    await submit(recorder, app)

    async def resubmit():
        async with unit_of_work(recorder) as uow:
            return await filing.resubmit(uow, app, None, applicant(app), NOW, plans=plan_registry())

    with pytest.raises(Conflict) as not_returned:
        await resubmit()
    assert not_returned.value.code == "NOT_RETURNED"
    await consume(review_event(Returned(application_id=app.application_id, level=ReviewLevel.UNIT, reason="补材料")))
    assert (await resubmit())["revision"] == 2
    with pytest.raises(Conflict):
        await resubmit()
    types = [e.event_type for e in await recorder.store.load_stream(f"application-{app.application_id}")]
    assert types == ["ApplicationSubmitted", "ReturnReceived", "ApplicationResubmitted"]


async def test_a_filing_after_the_unit_deadline_is_refused_and_stores_nothing(recorder, consume):
    app = normal_applicant().model_copy(update={"application_id": uuid.uuid4()})
    await consume(*archive_of(app))
    with pytest.raises(Conflict) as refused:
        await submit(recorder, app, now=datetime(2020, 8, 20, 16, 30, tzinfo=UTC))  # 08-21 00:30 in Shanghai
    assert refused.value.code == "DEADLINE_PASSED" and refused.value.message_zh.startswith("逾期不再受理")
    assert await recorder.store.load_stream(f"application-{app.application_id}") == []
    assert (await submit(recorder, app, now=datetime(2020, 8, 20, 15, 30, tzinfo=UTC)))["status"] == "submitted"


@pytest.mark.parametrize("level, late, in_time", [
    (ReviewLevel.UNIT, datetime(2020, 8, 21, 1, tzinfo=UTC), datetime(2020, 8, 20, 1, tzinfo=UTC)),
    (ReviewLevel.CONSTRUCTION_AUTHORITY, datetime(2020, 9, 20, 1, tzinfo=UTC), datetime(2020, 9, 1, 1, tzinfo=UTC)),
])
async def test_a_correction_is_accepted_until_the_deadline_of_the_level_that_returned_it(recorder, consume, level,
                                                                                        late, in_time):
    app = normal_applicant().model_copy(update={"application_id": uuid.uuid4()})
    await consume(*archive_of(app))
    await submit(recorder, app)
    await consume(review_event(Returned(application_id=app.application_id, level=level, reason="补材料")))

    async def resubmit(now):
        async with unit_of_work(recorder) as uow:
            return await filing.resubmit(uow, app, None, applicant(app), now, plans=plan_registry())

    with pytest.raises(Conflict) as refused:
        await resubmit(late)
    assert refused.value.code == "DEADLINE_PASSED"
    assert (await resubmit(in_time))["revision"] == 2


async def test_a_filing_naming_a_unit_never_authorised_is_refused_until_its_authorization_is_learnt(recorder,
                                                                                                   consume):
    app = normal_applicant().model_copy(update={"application_id": uuid.uuid4()})
    app = app.model_copy(update={"unit": app.unit.model_copy(update={"unit_id": f"u-{uuid.uuid4().hex[:8]}"})})
    await consume(*archive_of(app, unit_authorised=False))
    with pytest.raises(Conflict) as refused:
        await submit(recorder, app)
    assert refused.value.code == "UNIT_NOT_AUTHORIZED" and app.unit.unit_id in refused.value.message_en
    assert await recorder.store.load_stream(f"application-{app.application_id}") == []
    await consume(authorised(app))
    await consume(authorised(app))  # a repeat changes nothing
    assert (await submit(recorder, app))["status"] == "submitted"


async def test_a_private_firm_filing_through_the_talent_centre_needs_no_unit_authorization(recorder, consume):
    app = normal_applicant().model_copy(update={"application_id": uuid.uuid4()})
    firm = app.unit.model_copy(update={"unit_id": f"u-{uuid.uuid4().hex[:8]}", "kind": UnitKind.PRIVATE_ENTERPRISE,
                                       "personnel_files_at_talent_center": True})
    app = app.model_copy(update={"unit": firm})
    await consume(*archive_of(app, unit_authorised=False))
    assert (await submit(recorder, app))["status"] == "submitted"


async def test_a_withdrawn_application_cannot_be_withdrawn_again(recorder, consume):
    app = normal_applicant().model_copy(update={"application_id": uuid.uuid4()})
    await consume(*archive_of(app))
    await submit(recorder, app)
    async with unit_of_work(recorder) as uow:
        done = await filing.withdraw(uow, app.application_id, "个人原因", applicant(app), NOW)
    assert done["status"] == "withdrawn"
    with pytest.raises(Conflict):
        async with unit_of_work(recorder) as uow:
            await filing.withdraw(uow, app.application_id, "again", applicant(app), NOW)


async def test_review_events_about_things_intake_never_saw_are_refused_as_bad_data(consume):
    with pytest.raises(PhantomReference) as phantom:  # intake files every application: nothing to wait for
        await consume(review_event(Returned(application_id=uuid.uuid4(), level=ReviewLevel.UNIT, reason="x")))
    assert is_bad_data(phantom.value) and phantom.value.code == "UNKNOWN_REFERENCE"
    with pytest.raises(PhantomReference) as phantom:  # added and judged travel in order, under one key
        await consume(review_event(ArchiveEntryApproved(entry_id="never-added", unit_id="u")))
    assert is_bad_data(phantom.value)
