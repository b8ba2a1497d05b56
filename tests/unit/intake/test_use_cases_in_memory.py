"""Every intake use case and reaction on the in-memory unit of work (no PostgreSQL): the events
appended and the read-model writes, through the bootstrap's own reaction table."""
import uuid
from datetime import UTC, date, datetime

import pytest

from contracts import topics
from contracts.envelope import SYSTEM_ACTOR, Actor, Envelope, Role
from contracts.errors import Conflict, InvalidInput, NotFound
from contracts.events import (ArchiveEntryAdded, ArchiveEntryApproved, Payload, Returned, ReviewLevel,
                              UnitAuthorized)
from contracts.events import Requester
from contracts.plan import load_plan, plan_registry
from plumbing.core.application import Recorder
from plumbing.core.memory_store import InMemoryEventStore
from plumbing.core.references import PhantomReference
from plumbing.core.unit_of_work import InMemoryUnitOfWork
from services.intake.adapters.ports_memory import memory_ports
from services.intake.bootstrap import reaction_tables
from services.intake.usecases import erasure, filing
from services.intake.usecases.personal import Filer
from tests.fixtures.builders import normal_applicant

NOW = datetime(2020, 8, 12, 2, tzinfo=UTC)
PLAN = load_plan()
OPERATOR = Actor(role=Role.CITY_HR_BUREAU, organisation="sx-city-hr", user="officer-zhang")


def unit_of_work() -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(Recorder(InMemoryEventStore(), topic=topics.applications(), actor=filing.INTAKE_ACTOR),
                              memory_ports())


def review_event(payload: Payload) -> Envelope:
    return Envelope(event_type=type(payload).__name__, stream_id="from-review", stream_version=1, occurred_at=NOW,
                    recorded_at=NOW, actor=SYSTEM_ACTOR, correlation_id=uuid.uuid4(),
                    payload=payload.model_dump(mode="json"), schema_version=payload.schema_version)


async def consume(uow, *envelopes):
    [table] = reaction_tables(uow.recorder).values()
    for e in envelopes:
        async with uow:
            await table.react(uow, e)


def authorised_and_approved(app) -> list[Envelope]:
    events = [review_event(UnitAuthorized(unit_id=app.unit.unit_id, unit_name=app.unit.name, operator_ref="ab" * 32))]
    for a in app.achievements:
        events += [review_event(ArchiveEntryAdded(entry_id=a.entry_id, person_ref=app.applicant.person_ref,
                                                  unit_id=app.unit.unit_id, title=a.title, achieved_on=a.achieved_on)),
                   review_event(ArchiveEntryApproved(entry_id=a.entry_id, unit_id=app.unit.unit_id))]
    return events


def applicant(app) -> Actor:
    return Actor(role=Role.APPLICANT, user=app.applicant.person_ref[:8])


def filer(app) -> Filer:
    return Filer(person_ref=app.applicant.person_ref, name="钱小红", phone="13912340001",
                 id_number="33060219710405426X", birth_date=date(1971, 4, 5))


async def submit(uow, app, photo=None):
    async with uow:
        return await filing.submit(uow, app, photo, applicant(app), NOW, filer(app), plan=PLAN)


def stream(app) -> str:
    return f"application-{app.application_id}"


async def test_review_events_fill_the_units_archive_and_returns_and_phantoms_are_refused():
    uow, app = unit_of_work(), normal_applicant()
    await consume(uow, *authorised_and_approved(app))
    assert await uow.ports.units.is_authorised(app.unit.unit_id)
    assert {e.status for e in uow.ports.archive.entries.values()} == {"approved"}
    with pytest.raises(PhantomReference):
        await consume(uow, review_event(ArchiveEntryApproved(entry_id="never-added", unit_id="u")))
    with pytest.raises(PhantomReference):  # intake files every application: nothing to wait for
        await consume(uow, review_event(Returned(application_id=uuid.uuid4(), level=ReviewLevel.UNIT, reason="x")))
    assert uow.ports.returns.open_returns == {}


async def test_a_filing_is_sealed_shared_and_recorded_once_with_its_photo_and_a_second_one_is_a_conflict():
    uow, app = unit_of_work(), normal_applicant()
    await consume(uow, *authorised_and_approved(app))
    answer = await submit(uow, app, b"jpeg")
    [stored] = await uow.store.load_stream(stream(app))
    assert answer["status"] == "submitted" and stored.event_type == "ApplicationSubmitted"
    assert stored.payload["sealed"]["person_ref"] == app.applicant.person_ref and "钱小红" not in stored.model_dump_json()
    assert [(ref, r.name) for ref, r in uow.ports.personal.queued] == [(app.applicant.person_ref, "钱小红")]
    assert uow.ports.photos.data == {app.photo.sha256: b"jpeg"}
    with pytest.raises(Conflict):
        await submit(uow, app)
    assert len(await uow.store.load_stream(stream(app))) == 1


async def test_an_unapproved_citation_or_an_unauthorised_unit_is_refused_and_stores_nothing():
    uow, app = unit_of_work(), normal_applicant()
    with pytest.raises(Conflict):  # the unit is not authorised yet
        await submit(uow, app)
    await consume(uow, *authorised_and_approved(app)[:2])  # authorised; one entry added, not approved
    with pytest.raises(InvalidInput):
        await submit(uow, app)
    assert await uow.store.load_stream(stream(app)) == [] and uow.ports.personal.queued == []


async def test_a_returned_application_is_resubmitted_once_and_its_return_closed():
    uow, app = unit_of_work(), normal_applicant()
    await consume(uow, *authorised_and_approved(app))
    await submit(uow, app)
    with pytest.raises(Conflict):  # nothing returned
        async with uow:
            await filing.resubmit(uow, app, None, applicant(app), NOW, filer(app), plans=plan_registry())
    await consume(uow, review_event(Returned(application_id=app.application_id, level=ReviewLevel.UNIT, reason="补材料")))
    assert (await uow.ports.returns.current(app.application_id)).reason == "补材料"
    async with uow:
        answer = await filing.resubmit(uow, app, None, applicant(app), NOW, filer(app), plans=plan_registry())
    assert answer["revision"] == 2 and await uow.ports.returns.current(app.application_id) is None
    assert [e.event_type for e in await uow.store.load_stream(stream(app))] == ["ApplicationSubmitted", "ReturnReceived",
                                                                               "ApplicationResubmitted"]


async def test_a_withdrawal_is_recorded_once():
    uow, app = unit_of_work(), normal_applicant()
    await consume(uow, *authorised_and_approved(app))
    await submit(uow, app)
    async with uow:
        assert (await filing.withdraw(uow, app.application_id, "个人原因", applicant(app), NOW))["status"] == "withdrawn"
    with pytest.raises(Conflict):
        async with uow:
            await filing.withdraw(uow, app.application_id, "again", applicant(app), NOW)
    assert [e.event_type for e in await uow.store.load_stream(stream(app))][-1] == "ApplicationWithdrawn"


THE_PERSON = Requester(role="applicant", uid="acc-applicant-0042")


async def test_an_erasure_deletes_key_photos_and_queued_record_and_records_person_erased():
    uow, app = unit_of_work(), normal_applicant()
    ref = app.applicant.person_ref
    await consume(uow, *authorised_and_approved(app))
    await submit(uow, app, b"jpeg")
    uow.ports.uploads.documents[ref], uow.ports.uploads.drafts = 3, {ref}  # two certificates and a letter, a draft
    async with uow:
        report = await erasure.erase(uow, ref, OPERATOR, THE_PERSON, NOW)
    assert report["erased"]["intake"] == {"data_key_deleted": True, "photos_deleted": 1, "documents_deleted": 3,
                                          "drafts_deleted": 1,
                                          "applications_sealed_fields_unreadable": [str(app.application_id)]}
    assert uow.ports.uploads.documents == {} and uow.ports.uploads.drafts == set()
    assert uow.ports.photos.data == {} and uow.ports.keys.keys == set()
    assert uow.ports.personal.queued == [(ref, None)]  # the tombstone replaced what waited
    [erased] = await uow.store.load_stream(f"person-{ref}")
    assert erased.event_type == "PersonErased" and erased.actor == OPERATOR
    assert erased.payload["requested_by"] == {"role": "applicant", "uid": "acc-applicant-0042"}  # an account, no name
    with pytest.raises(NotFound):
        async with uow:
            await erasure.erase(uow, "ab" * 32, OPERATOR, THE_PERSON, NOW)


async def test_the_returns_and_filings_folded_from_intakes_history_are_those_written_live():
    from types import SimpleNamespace

    from services.intake.adapters.ports_memory import memory_ports
    from services.intake.projections import history

    async def folded(uow) -> object:
        ports = memory_ports()
        await history.apply(ports, [SimpleNamespace(envelope=e) for e in await uow.store.load_stream(stream(app))])
        return ports

    uow, app = unit_of_work(), normal_applicant()
    await consume(uow, *authorised_and_approved(app))
    await submit(uow, app)
    await consume(uow, review_event(Returned(application_id=app.application_id, level=ReviewLevel.UNIT, reason="补材料")))
    opened = await folded(uow)
    assert opened.returns.open_returns == uow.ports.returns.open_returns != {}  # the revision it arrived at, too
    assert opened.filings.filings == uow.ports.filings.filings != set()
    async with uow:
        await filing.resubmit(uow, app, None, applicant(app), NOW, filer(app), plans=plan_registry())
    closed = await folded(uow)
    assert closed.returns.open_returns == uow.ports.returns.open_returns == {}
    assert closed.filings.filings == uow.ports.filings.filings


async def test_the_plan_a_resubmission_is_checked_with_is_the_one_its_first_filing_recorded():
    from tests.fixtures.plans import REVISED_VERSION, both_versions, revised_plan

    uow, app = unit_of_work(), normal_applicant()
    await consume(uow, *authorised_and_approved(app))
    async with uow:
        assert await filing.recorded_plan(uow, app.application_id, both_versions()) is None  # never filed
        early = datetime(2020, 8, 3, 2, tzinfo=UTC)  # within the revised plan's filing (to 2020-08-10)
        await filing.submit(uow, app, None, applicant(app), early, filer(app), plan=revised_plan())
    async with uow:
        recorded = await filing.recorded_plan(uow, app.application_id, both_versions())
    assert (recorded.plan_id, recorded.version) == (PLAN.plan_id, REVISED_VERSION)
