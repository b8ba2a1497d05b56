"""Every notify use case and reaction on the in-memory unit of work (no PostgreSQL): the events
appended and the read-model writes, through the bootstrap's own reaction table."""
import uuid
from datetime import date

import pytest

from contracts import topics
from contracts.events import ReviewLevel, UnitApproved
from contracts.personal_record import PersonalRecord
from plumbing.core.application import Recorder
from plumbing.core.memory_store import InMemoryEventStore
from plumbing.core.references import ReferenceNotYetKnown
from plumbing.core.unit_of_work import InMemoryUnitOfWork
from services.notify.adapters.ports_memory import memory_ports
from services.notify.bootstrap import reaction_tables
from services.notify.domain.departments import department_contacts
from services.notify.domain.recipients import ERASED_REASON
from services.notify.templates import read_department_contacts
from services.notify.usecases.erasure import when_person_erased
from services.notify.usecases.planning import replan_for_person
from services.notify.usecases.recording import NOTIFY_ACTOR
from services.notify.usecases.reminding import run_reminders, seed_department_contacts
from services.notify.usecases.status import delivery_status, reminder_status
from tests.integration.notify.events import case_opened, envelope, filed, moved, unit_authorized
from tests.integration.notify.planning import CATALOGUE, PLAN

UNIT_REMINDER_DAY = date(2020, 8, 18)  # 3 working days before the unit deadline (20 Aug)


def unit_of_work() -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(Recorder(InMemoryEventStore(), topic=topics.notifications(), actor=NOTIFY_ACTOR),
                              memory_ports())


async def consume(uow, *envelopes):
    """As notify's consumers: each envelope through every group's table that wants it, one block each."""
    tables = [t for _topics, t in reaction_tables(uow.recorder, PLAN, CATALOGUE)]
    for e in envelopes:
        async with uow:
            for table in tables:
                await table.react(uow, e)


def person(ref: str, name: str = "王建国") -> PersonalRecord:
    return PersonalRecord(person_ref=ref, name=name, phone=ref[4:], id_number_masked="330602************")


async def events_of(uow, event_type: str) -> list[dict]:
    return [s.envelope.payload for s in uow.store._all if s.envelope.event_type == event_type]


async def test_a_filing_is_remembered_and_a_review_event_about_an_unknown_application_waits():
    uow, app = unit_of_work(), uuid.uuid4()
    with pytest.raises(ReferenceNotYetKnown):
        await consume(uow, case_opened(app, "u-1", phone="13912345001"))
    assert uow.ports.waiting.cases == {} and uow.ports.deliveries.rows == {}  # nothing of it stayed
    await consume(uow, filed(app))
    assert await uow.ports.known.knows(app)


async def test_a_case_opened_tracks_who_waits_and_plans_the_applicants_sms_with_their_current_data():
    uow, app = unit_of_work(), uuid.uuid4()
    uow.ports.people.records["tel-13912345002"] = person("tel-13912345002")
    await consume(uow, filed(app), case_opened(app, "u-2", phone="13912345002"),
                  envelope(UnitApproved(application_id=app, opinion="同意"), f"case-{app}", 2))
    assert uow.ports.waiting.cases[app] == (ReviewLevel.UNIT.value, "u-2")
    [row] = [r for r in uow.ports.deliveries.rows.values() if r.out.template == "passed_unit"]
    assert row.out.to == "+8613912345002" and "王建国" in row.out.text and row.person_ref == "tel-13912345002"
    await consume(uow, moved(app, 3))  # waits at nobody any more
    assert app not in uow.ports.waiting.cases


async def test_an_event_whose_person_is_not_known_waits_aside_and_is_planned_when_they_arrive():
    uow, app = unit_of_work(), uuid.uuid4()
    opened = case_opened(app, "u-3", phone="13912345003")
    await consume(uow, filed(app), opened, envelope(UnitApproved(application_id=app, opinion="同意"), f"case-{app}", 2))
    assert set(uow.ports.set_aside.waiting) == {"tel-13912345003"} and uow.ports.deliveries.rows == {}
    uow.ports.people.records["tel-13912345003"] = person("tel-13912345003")
    async with uow:
        await replan_for_person(PLAN, CATALOGUE)(uow, "tel-13912345003")
    assert uow.ports.set_aside.waiting == {}
    assert [r.out.template for r in uow.ports.deliveries.rows.values()] == ["passed_unit"]


async def test_an_erased_persons_pending_sms_fail_with_the_reason_and_their_texts_are_scrubbed():
    uow, app = unit_of_work(), uuid.uuid4()
    uow.ports.people.records["tel-13912345004"] = person("tel-13912345004")
    await consume(uow, filed(app), case_opened(app, "u-4", phone="13912345004"),
                  envelope(UnitApproved(application_id=app, opinion="同意"), f"case-{app}", 2))
    uow.ports.people.records["tel-13912345004"] = None  # the tombstone
    async with uow:
        await when_person_erased(uow, "tel-13912345004")
    rows = [r for r in uow.ports.deliveries.rows.values() if r.person_ref == "tel-13912345004"]
    assert rows and all((r.status, r.out.to, r.out.text, r.last_error) == ("failed", "", "", ERASED_REASON) for r in rows)
    failed = await events_of(uow, "NotificationFailed")
    assert len(failed) == len(rows) and all(f["reason"] == ERASED_REASON for f in failed)
    assert len(uow.dead_letters) == len(rows)
    status = await delivery_status(uow, app)
    assert [f["reason"] for f in status["failures"]] == [ERASED_REASON] * len(rows)


async def test_the_reminders_job_plans_each_due_reminder_once_with_its_event_and_sms():
    uow, app = unit_of_work(), uuid.uuid4()
    async with uow:
        await seed_department_contacts(uow, department_contacts(read_department_contacts(), PLAN))
    uow.ports.people.records["tel-13800000005"] = person("tel-13800000005", "李经办")
    await consume(uow, unit_authorized("u-5", "13800000005"), filed(app), case_opened(app, "u-5", phone="13912345005"))
    [reminder] = await run_reminders(lambda: uow, PLAN, CATALOGUE, UNIT_REMINDER_DAY)
    assert reminder.org == "u-5" and reminder.waiting_cases == 1
    assert await run_reminders(lambda: uow, PLAN, CATALOGUE, UNIT_REMINDER_DAY) == []  # once
    [approaching] = await events_of(uow, "DeadlineApproaching")
    assert approaching["recipient_org"] == "u-5" and approaching["deadline"] == "2020-08-20"
    [report] = (await reminder_status(uow))["reminders"]
    assert report["org_id"] == "u-5" and report["status"] == "pending" and "李经办" in report["text"]


async def test_only_an_unknown_delivery_is_sent_again_by_the_operator_and_who_is_recorded():
    from datetime import UTC, datetime

    from contracts.errors import Conflict, NotFound
    from services.notify.usecases.resending import resend

    uow, app = unit_of_work(), uuid.uuid4()
    uow.ports.people.records["tel-13912345009"] = person("tel-13912345009")
    await consume(uow, filed(app), case_opened(app, "u-9", phone="13912345009"),
                  envelope(UnitApproved(application_id=app, opinion="同意"), f"case-{app}", 2))
    [row] = uow.ports.deliveries.rows.values()
    assert row.out.template_code == "ZC_SX2020_PASSED_UNIT" and row.out.params["name"] == "王建国"
    now = datetime.now(UTC)
    with pytest.raises(Conflict) as pending:
        async with uow:
            await resend(uow, row.out.notification_id, "officer-7", now)
    assert pending.value.code == "DELIVERY_NOT_UNKNOWN"
    assert [r.status for r in uow.ports.deliveries.rows.values()] == ["pending"]
    with pytest.raises(NotFound):
        async with uow:
            await resend(uow, uuid.uuid4(), "officer-7", now)
    [row] = uow.ports.deliveries.rows.values()
    row.status = "unknown"  # the dispatcher's verdict: not listed by the platform within the bound
    async with uow:
        answer = await resend(uow, row.out.notification_id, "officer-7", now)
    assert answer == {"notification_id": str(row.out.notification_id), "status": "pending", "resent_by": "officer-7"}
    [row] = uow.ports.deliveries.rows.values()
    assert (row.status, row.resent_by) == ("pending", "officer-7")


async def test_the_reminders_and_failures_folded_from_notifys_history_are_those_written_live():
    from services.notify.projections import history

    uow, app, erased = unit_of_work(), uuid.uuid4(), uuid.uuid4()
    async with uow:
        await seed_department_contacts(uow, department_contacts(read_department_contacts(), PLAN))
    uow.ports.people.records["tel-13800000005"] = person("tel-13800000005", "李经办")
    uow.ports.people.records["tel-13912345004"] = person("tel-13912345004")
    await consume(uow, unit_authorized("u-5", "13800000005"), filed(app), case_opened(app, "u-5", phone="13912345005"),
                  filed(erased), case_opened(erased, "u-5", phone="13912345004"),
                  envelope(UnitApproved(application_id=erased, opinion="同意"), f"case-{erased}", 2))
    uow.ports.people.records["tel-13912345004"] = None  # a tombstone: that person's pending SMS fail
    async with uow:
        await when_person_erased(uow, "tel-13912345004")
    assert await run_reminders(lambda: uow, PLAN, CATALOGUE, UNIT_REMINDER_DAY)
    folded = memory_ports()
    await history.apply(folded, await uow.store.read_all(limit=10_000))
    assert folded.reminders.planned == uow.ports.reminders.planned != {}
    assert folded.failures.failed == uow.ports.failures.failed != {}
