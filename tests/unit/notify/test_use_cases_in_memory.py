"""Every notify use case and reaction on the in-memory unit of work (no PostgreSQL): the events
appended and the read-model writes, through the bootstrap's own reaction table."""
import json
import uuid
from datetime import date

import pytest

from contracts import topics
from contracts.events import ReviewLevel, UnitApproved
from contracts.personal_record import PersonalRecord
from contracts.plan import Plan, PlanRegistry, UnknownPlan
from contracts.working_days import working_days_before
from plumbing.core.application import Recorder
from plumbing.core.memory_store import InMemoryEventStore
from plumbing.core.references import ReferenceNotYetKnown
from plumbing.core.unit_of_work import InMemoryUnitOfWork
from services.notify.adapters.ports_memory import memory_ports
from services.notify.bootstrap import reaction_tables
from services.notify.domain.departments import department_contacts
from services.notify.domain.recipients import ERASED_REASON
from services.notify.domain.templates import load_catalogue
from services.notify.templates import read_catalogue_text, read_department_contacts
from services.notify.usecases.erasure import when_person_erased
from services.notify.usecases.planning import Plans, replan_for_person
from services.notify.usecases.recording import NOTIFY_ACTOR
from services.notify.usecases.reminding import run_reminders, seed_department_contacts
from services.notify.usecases.status import delivery_status, reminder_status
from tests.integration.notify.events import case_opened, envelope, filed, moved, unit_authorized
from tests.integration.notify.planning import PLAN, PLANS
from tests.fixtures.plans import REVISED_VERSION, both_versions, revised_plan

UNIT_REMINDER_DAY = date(2020, 8, 18)  # 3 working days before the unit deadline (20 Aug)


def unit_of_work() -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(Recorder(InMemoryEventStore(), topic=topics.notifications(), actor=NOTIFY_ACTOR),
                              memory_ports())


async def consume(uow, *envelopes):
    """As notify's consumers: each envelope through every group's table that wants it, one block each."""
    tables = [t for _topics, t in reaction_tables(uow.recorder, PLANS)]
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
        await replan_for_person(PLANS)(uow, "tel-13912345003")
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
    [reminder] = await run_reminders(lambda: uow, PLANS, UNIT_REMINDER_DAY)
    assert reminder.org == "u-5" and reminder.waiting_cases == 1
    assert await run_reminders(lambda: uow, PLANS, UNIT_REMINDER_DAY) == []  # once
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
    assert await run_reminders(lambda: uow, PLANS, UNIT_REMINDER_DAY)
    folded = memory_ports()
    await history.apply(folded, await uow.store.read_all(limit=10_000))
    assert folded.reminders.planned == uow.ports.reminders.planned != {}
    assert folded.failures.failed == uow.ports.failures.failed != {}


# --- each application's plan: its texts and its reminders (usecases/planning.py Plans) ---------------

OTHER = ("zj-test-other", "1")  # a second plan with its own texts (tests only, never shipped)


def plans_with_other() -> Plans:
    """The shipped plan, its test-only second version (earlier unit deadline), and another plan whose
    name and template catalogue differ, each plan's texts by its id."""
    other = Plan.model_validate({**PLAN.model_dump(mode="json"), "plan_id": OTHER[0], "version": OTHER[1],
                                 "short_name_zh": "测试乙计划"})
    texts = json.loads(read_catalogue_text(PLAN.plan_id))
    texts["templates"]["passed_unit"]["text"] = "乙：" + texts["templates"]["passed_unit"]["text"]  # {code, text}
    registry = PlanRegistry([*both_versions(), other])
    other_texts = load_catalogue(json.dumps({**texts, "plan_id": OTHER[0]}))
    return Plans(registry, {PLAN.plan_id: PLANS.texts(PLAN), OTHER[0]: other_texts}, open=PLAN)


async def consume_with(uow, plans: Plans, *envelopes):
    tables = [t for _topics, t in reaction_tables(uow.recorder, plans)]
    for e in envelopes:
        async with uow:
            for table in tables:
                await table.react(uow, e)


async def test_each_applications_sms_text_follows_the_plan_its_filing_recorded_not_notifys_own():
    uow, first, other = unit_of_work(), uuid.uuid4(), uuid.uuid4()
    for ref in ("tel-13912345011", "tel-13912345012"):
        uow.ports.people.records[ref] = person(ref)
    await consume_with(uow, plans_with_other(), filed(first), filed(other, plan=OTHER),
                       case_opened(first, "u-11", phone="13912345011"),
                       case_opened(other, "u-12", phone="13912345012", plan=OTHER),
                       envelope(UnitApproved(application_id=first, opinion="同意"), f"case-{first}", 2),
                       envelope(UnitApproved(application_id=other, opinion="同意"), f"case-{other}", 2))
    assert await uow.ports.known.plan_of(other) == OTHER
    texts = {r.out.application_id: r.out.text for r in uow.ports.deliveries.rows.values()
             if r.out.template == "passed_unit"}
    assert "乙：" in texts[other]  # the other plan's catalogue
    assert "测试乙计划" in texts[other] and PLAN.short_name_zh not in texts[other]
    assert PLAN.short_name_zh in texts[first] and "乙" not in texts[first]


async def test_an_application_filed_under_a_plan_notify_does_not_ship_is_refused_as_bad_data():
    uow, app = unit_of_work(), uuid.uuid4()
    with pytest.raises(UnknownPlan):
        await consume_with(uow, plans_with_other(), filed(app, plan=("zj-nowhere", "9")))
    assert uow.ports.known.plans == {} and uow.ports.deliveries.rows == {}  # nothing of it stayed


async def test_each_waiting_case_is_reminded_by_the_deadline_of_the_plan_its_filing_recorded():
    uow, first, revised = unit_of_work(), uuid.uuid4(), uuid.uuid4()
    plans = plans_with_other()
    await consume_with(uow, plans, filed(first), filed(revised, plan=(PLAN.plan_id, REVISED_VERSION)),
                       case_opened(first, "u-21", phone="13912345021"),
                       case_opened(revised, "u-22", phone="13912345022", plan=(PLAN.plan_id, REVISED_VERSION)))
    revised_day = working_days_before(revised_plan().unit_deadline, 3)  # 3 working days before 10 Aug
    [early] = await run_reminders(lambda: uow, plans, revised_day)
    assert (early.org, early.deadline, early.waiting_cases) == ("u-22", date(2020, 8, 10), 1)
    [late] = await run_reminders(lambda: uow, plans, UNIT_REMINDER_DAY)  # the revised deadline has passed
    assert (late.org, late.deadline) == ("u-21", date(2020, 8, 20))


async def test_cases_of_a_plan_notify_does_not_ship_never_stop_the_other_plans_reminders():
    uow, first, stray = unit_of_work(), uuid.uuid4(), uuid.uuid4()
    await consume_with(uow, plans_with_other(), filed(first), case_opened(first, "u-31", phone="13912345031"))
    uow.ports.known.plans[stray] = ("zj-nowhere", "9")  # e.g. remembered before its plan file was withdrawn
    uow.ports.waiting.cases[stray] = (ReviewLevel.UNIT.value, "u-32")
    [reminder] = await run_reminders(lambda: uow, plans_with_other(), UNIT_REMINDER_DAY)
    assert reminder.org == "u-31"
