from datetime import date

from contracts.events import ReviewLevel
from contracts.working_days import working_days_before
from services.notify.domain.reminders import (
    Deadline, Waiting, due_reminders, plan_deadlines,
)

UNIT, HR = ReviewLevel.UNIT, ReviewLevel.HR_BUREAU
UNIT_DEADLINE = Deadline(date(2020, 8, 20), frozenset({UNIT}))
WAITING = [Waiting("u-1", UNIT, 2), Waiting("u-2", UNIT, 0), Waiting("yc-hr", HR, 5)]


def test_working_days_before_skips_weekends():
    assert working_days_before(date(2020, 8, 20), 3) == date(2020, 8, 17)  # Thu -> Mon
    assert working_days_before(date(2020, 8, 24), 1) == date(2020, 8, 21)  # Mon -> Fri


def test_working_days_before_skips_the_national_day_holiday_and_counts_a_makeup_saturday():
    assert working_days_before(date(2020, 10, 9), 1) == date(2020, 9, 30)  # 1-8 Oct are holidays
    assert working_days_before(date(2020, 10, 12), 1) == date(2020, 10, 10)  # Sat 10 Oct is a working day


def test_the_plans_deadlines_put_units_on_the_unit_deadline_and_departments_on_the_city_deadline(plan):
    unit, city, own = plan_deadlines(plan)
    assert unit.on == date(2020, 8, 20) and unit.levels == {UNIT}
    assert city.on == date(2020, 9, 19) and HR in city.levels and UNIT not in city.levels
    assert own.on == plan.city_working_deadline and own.only == {plan.city_hr_bureau.org_id}


def test_the_city_hr_bureau_is_reminded_of_its_own_working_deadline_not_of_the_reporting_deadline(plan):
    city = plan.city_hr_bureau.org_id
    waiting = [Waiting(city, HR, 1), Waiting("yc-hr", HR, 1)]
    on_18_sep = due_reminders(plan_deadlines(plan), plan.reminder_working_days_before, date(2020, 9, 18), waiting)
    assert [(r.org, r.deadline) for r in on_18_sep] == [("yc-hr", date(2020, 9, 19))]
    before_its_own = working_days_before(plan.city_working_deadline, 1)
    later = due_reminders(plan_deadlines(plan), plan.reminder_working_days_before, before_its_own, waiting)
    assert [(r.org, r.deadline) for r in later] == [(city, plan.city_working_deadline)]


def test_on_the_reminder_day_every_unit_with_waiting_cases_is_reminded_once():
    reminders = due_reminders([UNIT_DEADLINE], [3, 1], date(2020, 8, 17), WAITING)
    assert [(r.org, r.days_before, r.waiting_cases) for r in reminders] == [("u-1", 3, 2)]
    assert "phone" not in str(reminders[0].payload().model_dump())  # the number: notify's operator data, at planning


def test_nothing_is_due_before_the_first_reminder_day_or_on_the_deadline():
    assert due_reminders([UNIT_DEADLINE], [3, 1], date(2020, 8, 14), WAITING) == []
    assert due_reminders([UNIT_DEADLINE], [3, 1], date(2020, 8, 20), WAITING) == []


def test_running_the_scheduler_again_yields_the_same_reminder_key_and_event_id():
    first = due_reminders([UNIT_DEADLINE], [3, 1], date(2020, 8, 17), WAITING)
    later = due_reminders([UNIT_DEADLINE], [3, 1], date(2020, 8, 18), WAITING)
    assert [r.key for r in first] == [r.key for r in later]
    assert [r.event_id for r in first] == [r.event_id for r in later]


def test_the_one_day_reminder_is_a_new_reminder_with_its_own_key():
    three = due_reminders([UNIT_DEADLINE], [3, 1], date(2020, 8, 17), WAITING)[0]
    one = due_reminders([UNIT_DEADLINE], [1, 3], date(2020, 8, 19), WAITING)[0]
    assert one.days_before == 1 and one.key != three.key and one.event_id != three.event_id


def test_a_deadline_after_a_holiday_reminds_before_the_holiday(plan):
    deadline = Deadline(date(2020, 10, 9), frozenset({HR}))
    assert due_reminders([deadline], [3], date(2020, 9, 27), WAITING) == []  # the 3rd working day before is 28 Sep
    [r] = due_reminders([deadline], [3], date(2020, 9, 28), WAITING)
    assert (r.org, r.level, r.days_before) == ("yc-hr", HR, 3)


def test_departments_are_reminded_of_the_city_deadline(plan):
    reminders = due_reminders(plan_deadlines(plan), plan.reminder_working_days_before, date(2020, 9, 18), WAITING)
    assert [(r.org, r.deadline, r.days_before) for r in reminders] == [("yc-hr", date(2020, 9, 19), 1)]


def test_a_recorded_reminder_is_read_back_from_its_event_whether_it_says_which_one_or_only_its_id_does():
    import uuid
    from datetime import date

    from contracts.events import ReviewLevel
    from services.notify.domain.reminders import Reminder, reminder_of

    reminder = Reminder("u-sy-szjs", ReviewLevel.UNIT, date(2020, 8, 20), 3, 2)
    v3 = reminder.payload(date(2020, 8, 17))
    assert v3.days_before == 3 and v3.planned_on == date(2020, 8, 17)
    assert reminder_of(reminder.event_id, v3, date(2020, 8, 18)) == reminder
    v2 = v3.model_copy(update={"days_before": None, "planned_on": None})  # as an older event reads
    assert reminder_of(reminder.event_id, v2, date(2020, 8, 17)) == reminder  # its id says which reminder
    assert reminder_of(uuid.uuid4(), v2, date(2020, 8, 17)) is None
