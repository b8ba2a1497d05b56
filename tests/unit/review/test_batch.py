from datetime import date

from contracts.envelope import Role
from contracts.events import DepartmentApproved, Returned, UnitApproved
from services.review.domain import commands as c
from services.review.domain.authorization import Principal
from services.review.domain.batch import decide_each, pass_all, return_all

from .builders import PLAN, SECTIONS, Story, summary

UNIT = Principal(Role.UNIT, org="unit-yc-1", area="yuecheng", user="li")


def test_a_unit_passes_many_cases_and_each_succeeds_or_fails_on_its_own():
    ready, ineligible_or_done = Story(), Story().unit_passed()
    other_unit = Story(summary(unit_id="unit-yc-2"))
    results = pass_all(UNIT, [ready.case, ineligible_or_done.case, other_unit.case], "同意推荐",
                       now=ready.now, plan=PLAN)
    assert [r.ok for r in results] == [True, False, False]
    assert results[0].events == (UnitApproved(application_id=ready.id, opinion="同意推荐"),)
    assert results[1].error.code == "WRONG_STAGE" and results[2].error.code == "OUT_OF_SCOPE"


def test_a_unit_returns_many_cases_with_the_same_sections():
    stories = [Story(), Story()]
    results = return_all(UNIT, [s.case for s in stories], "请补充材料", SECTIONS, now=stories[0].now, plan=PLAN)
    assert all(r.ok and isinstance(r.events[0], Returned) for r in results)


def test_a_department_batch_pass_uses_the_department_decision():
    story = Story().notice_completed()
    story.do(c.SetFeeOption(story.who.ca, story.id, charge=False))
    ca = Principal(Role.CONSTRUCTION_AUTHORITY, org="yc-construction", area="yuecheng")
    [result] = pass_all(ca, [story.case], "同意", now=story.now, plan=PLAN)
    assert isinstance(result.events[0], DepartmentApproved)


def test_the_same_case_twice_in_one_batch_is_refused_the_second_time():
    story = Story()
    command = c.UnitPass(UNIT.actor(), story.id, "同意")
    first, second = decide_each(UNIT, [(story.case, command), (story.case, command)], now=story.now, plan=PLAN)
    assert first.ok and second.error.code == "DUPLICATE_IN_BATCH"


def test_a_late_batch_refuses_every_item_with_the_deadline_message():
    stories = [Story(), Story()]
    from .builders import at
    results = pass_all(UNIT, [s.case for s in stories], "同意", now=at(2020, 8, 21), plan=PLAN)
    assert {r.error.code for r in results} == {"DEADLINE_PASSED"}
    assert date(2020, 8, 20).isoformat() in results[0].error.message_en
