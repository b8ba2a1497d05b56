"""The waiting_cases read model follows who review says must act next (CaseOpened, CaseMovedTo);
reminders are planned once per recipient per reminder, and departments without a mobile fail honestly."""
import json
import uuid
from datetime import date

from contracts.events import (
    CaseClosed, DepartmentApproved, HRBureauRecommended, PublicNoticeCompleted, ReviewLevel, Returned, UnitRejected,
)
from services.notify.usecases.reminding import run_reminders, seed_department_contacts
from services.notify.usecases.status import reminder_status
from services.notify.domain.departments import department_contacts
from services.notify.templates import read_department_contacts
from tests.integration.notify.events import case_opened, envelope, moved, unit_authorized
from tests.integration.notify.planning import PLAN, PLANS, consume, recorder_for, units

UNIT_REMINDER_DAY = date(2020, 8, 18)  # 3 working days before the unit deadline (20 Aug) came on 17 Aug
CITY_REMINDER_DAY = date(2020, 9, 16)  # 3 working days before the city deadline (Sat 19 Sep)


def ev(payload, app_id, version):
    return envelope(payload, f"case-{app_id}", version)


async def waiting_at(pool, app_id):
    row = await pool.fetchrow("SELECT level, org_id FROM waiting_cases WHERE application_id = $1", app_id)
    return (row["level"], row["org_id"]) if row else None


async def test_a_case_waits_where_review_says_it_moved(store):
    app_id = uuid.uuid4()
    await consume(store, case_opened(app_id, "u-chain", area="keqiao"))
    assert await waiting_at(store.pool, app_id) == ("unit", "u-chain")
    await consume(store, ev(PublicNoticeCompleted(application_id=app_id, result="无异议"), app_id, 4),
                  moved(app_id, 5, ReviewLevel.CONSTRUCTION_AUTHORITY, "kq-construction"))
    assert await waiting_at(store.pool, app_id) == ("construction_authority", "kq-construction")
    await consume(store, ev(DepartmentApproved(application_id=app_id, level=ReviewLevel.CONSTRUCTION_AUTHORITY,
                                               department="kq-construction", opinion="同意", form_copies=0, deliver_to=""), app_id, 6),
                  moved(app_id, 7, ReviewLevel.HR_BUREAU, "kq-hr"))
    assert await waiting_at(store.pool, app_id) == ("hr_bureau", "kq-hr")
    await consume(store, ev(HRBureauRecommended(application_id=app_id, bureau="kq-hr"), app_id, 8),
                  moved(app_id, 9, ReviewLevel.CITY_HR_BUREAU, "sx-city-hr"))
    assert await waiting_at(store.pool, app_id) == ("city_hr_bureau", "sx-city-hr")


async def test_a_talent_centre_acting_as_unit_is_where_the_case_waits_first(store):
    city, private = uuid.uuid4(), uuid.uuid4()
    await consume(store, case_opened(city, "u-city", area="city"),
                  case_opened(private, "u-private", kind="private_enterprise", talent_center=True))
    assert await waiting_at(store.pool, private) == ("unit", "yuecheng-talent-center")
    assert await waiting_at(store.pool, city) == ("unit", "u-city")


async def test_a_returned_rejected_or_closed_case_waits_nowhere_and_a_resubmission_starts_again(store):
    returned, rejected, closed = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await consume(store, *(case_opened(a, "u-gone") for a in (returned, rejected, closed)))
    await consume(store, ev(Returned(application_id=returned, level=ReviewLevel.UNIT, reason="补材料"), returned, 2),
                  moved(returned, 3), ev(UnitRejected(application_id=rejected, reason="不符合"), rejected, 2),
                  moved(rejected, 3), ev(CaseClosed(application_id=closed, final_status="withdrawn"), closed, 2),
                  moved(closed, 3))
    assert [await waiting_at(store.pool, a) for a in (returned, rejected, closed)] == [None, None, None]
    await consume(store, case_opened(returned, "u-gone"))
    assert await waiting_at(store.pool, returned) == ("unit", "u-gone")


async def test_each_unit_with_waiting_cases_gets_one_reminder_and_a_rerun_plans_nothing(store):
    await consume(store, unit_authorized("u-a", "13700000001"), unit_authorized("u-b", "13700000002"),
                  case_opened(uuid.uuid4(), "u-a"), case_opened(uuid.uuid4(), "u-a"), case_opened(uuid.uuid4(), "u-b"))
    done = uuid.uuid4()
    await consume(store, case_opened(done, "u-c"), ev(UnitRejected(application_id=done, reason="不符合"), done, 2),
                  moved(done, 3))
    planned = await run_reminders(units(store), PLANS, UNIT_REMINDER_DAY)
    assert sorted((r.org, r.waiting_cases, r.days_before) for r in planned) == [("u-a", 2, 3), ("u-b", 1, 3)]
    assert await run_reminders(units(store), PLANS, UNIT_REMINDER_DAY) == []
    rows = await store.pool.fetch("SELECT text, to_e164 FROM deliveries WHERE template = 'deadline_approaching'"
                                  " ORDER BY to_e164")
    assert [r["to_e164"] for r in rows] == ["+8613700000001", "+8613700000002"]
    assert "8月20日截止" in rows[0]["text"] and "尚有2件" in rows[0]["text"] and "尚有1件" in rows[1]["text"]
    events = await store.pool.fetch("SELECT stream_id FROM events WHERE event_type = 'DeadlineApproaching'")
    assert sorted(e["stream_id"] for e in events) == ["reminder-u-a", "reminder-u-b"]


async def test_the_one_day_reminder_is_planned_again_but_nothing_is_due_on_the_deadline(store):
    await consume(store, unit_authorized("u-d", "13700000004"), case_opened(uuid.uuid4(), "u-d"))
    assert len(await run_reminders(units(store), PLANS, date(2020, 8, 17))) == 1
    assert [r.days_before for r in await run_reminders(units(store), PLANS, date(2020, 8, 19))] == [1]
    assert await run_reminders(units(store), PLANS, date(2020, 8, 20)) == []


async def test_a_department_without_a_duty_mobile_gets_a_notification_failed_once_with_its_reason(store):
    await _seed(store, department_contacts(read_department_contacts(), PLAN))
    app_id = uuid.uuid4()
    await consume(store, case_opened(app_id, "u-e"), ev(PublicNoticeCompleted(application_id=app_id, result="无"), app_id, 4),
                  ev(DepartmentApproved(application_id=app_id, level=ReviewLevel.CONSTRUCTION_AUTHORITY,
                                        department="yc-construction", opinion="同意", form_copies=0, deliver_to=""), app_id, 5),
                  moved(app_id, 6, ReviewLevel.HR_BUREAU, "yc-hr"))
    [reminder] = await run_reminders(units(store), PLANS, CITY_REMINDER_DAY)
    assert (reminder.org, reminder.level) == ("yc-hr", ReviewLevel.HR_BUREAU)
    assert await run_reminders(units(store), PLANS, CITY_REMINDER_DAY) == []
    async with units(store)() as uow:
        [status] = (await reminder_status(uow))["reminders"]
    assert status["status"] == "failed" and "not a mobile" in status["failure"]
    assert status["recipient_masked"] is None  # no delivery was planned for a landline
    dead = await store.pool.fetch("SELECT raw FROM outbox WHERE event_id IS NULL")
    assert len(dead) == 1 and "not a mobile" in dead[0]["raw"]


async def test_a_department_given_a_duty_mobile_in_the_contacts_file_is_sent_its_reminder(store, tmp_path):
    raw = read_department_contacts()
    raw["yc-hr"] = {**raw["yc-hr"], "sms_mobile": "13600000009"}
    path = tmp_path / "contacts.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    await _seed(store, department_contacts(read_department_contacts(str(path)), PLAN))
    app_id = uuid.uuid4()
    await consume(store, case_opened(app_id, "u-f"), ev(PublicNoticeCompleted(application_id=app_id, result="无"), app_id, 4),
                  ev(DepartmentApproved(application_id=app_id, level=ReviewLevel.CONSTRUCTION_AUTHORITY,
                                        department="yc-construction", opinion="同意", form_copies=0, deliver_to=""), app_id, 5),
                  moved(app_id, 6, ReviewLevel.HR_BUREAU, "yc-hr"))
    await run_reminders(units(store), PLANS, CITY_REMINDER_DAY)
    row = await store.pool.fetchrow("SELECT to_e164, text FROM deliveries WHERE template = 'deadline_approaching'")
    assert row["to_e164"] == "+8613600000009" and "越城区人力资源和社会保障局" in row["text"]


async def _seed(store, contacts) -> None:
    async with units(store)() as uow:
        await seed_department_contacts(uow, contacts)
