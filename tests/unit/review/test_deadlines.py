from datetime import date, datetime, timezone

import pytest

from contracts.errors import Conflict
from services.review.domain import commands as c

from .builders import PLAN, SECTIONS, SYSTEM, Story, at


def test_the_unit_may_still_act_on_its_deadline_day():
    story = Story(now=at(2020, 8, 20, 23))
    assert story.decide(c.UnitPass(story.who.unit, story.id, "同意"))


@pytest.mark.parametrize("make", [
    lambda s: c.UnitPass(s.who.unit, s.id, "同意"),
    lambda s: c.UnitNotPass(s.who.unit, s.id, "不符合"),
    lambda s: c.ReturnForRevision(s.who.unit, s.id, "补充", SECTIONS),
])
def test_unit_decisions_after_the_unit_deadline_are_refused(make):
    story = Story()
    with pytest.raises(Conflict) as refused:
        story.decide(make(story), now=at(2020, 8, 21, 0))
    assert refused.value.code == "DEADLINE_PASSED" and refused.value.message_zh.startswith("逾期不再受理")
    assert "2020-08-20" in refused.value.message_en


def test_the_deadline_day_is_read_in_the_plan_timezone():
    story = Story()
    # 2020-08-20 16:30 UTC is 2020-08-21 00:30 in Shanghai: late
    with pytest.raises(Conflict):
        story.decide(c.UnitPass(story.who.unit, story.id, "同意"), now=datetime(2020, 8, 20, 16, 30, tzinfo=timezone.utc))
    # 2020-08-20 15:30 UTC is 23:30 in Shanghai: still the deadline day
    assert story.decide(c.UnitPass(story.who.unit, story.id, "同意"), now=datetime(2020, 8, 20, 15, 30, tzinfo=timezone.utc))


def test_completing_a_notice_after_the_unit_deadline_is_refused():
    story = Story().unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    with pytest.raises(Conflict) as refused:
        story.decide(c.CompletePublicNotice(story.who.unit, story.id, "无异议"), now=at(2020, 8, 21))
    assert refused.value.code == "DEADLINE_PASSED"


def test_departments_may_act_until_the_city_deadline_day():
    story = Story().notice_completed()
    story.do(c.SetFeeOption(story.who.ca, story.id, charge=False), now=at(2020, 9, 19, 18))
    assert story.decide(c.DepartmentPass(story.who.ca, story.id, "同意"), now=at(2020, 9, 19, 23))


@pytest.mark.parametrize("make", [
    lambda s: c.SetFeeOption(s.who.hr, s.id, charge=False),
    lambda s: c.DepartmentPass(s.who.hr, s.id, "同意"),
    lambda s: c.DepartmentNotPass(s.who.hr, s.id, "不符合"),
    lambda s: c.ReturnForRevision(s.who.hr, s.id, "补充", SECTIONS),
])
def test_department_decisions_after_the_city_deadline_are_refused(make):
    story = Story().ca_passed()
    with pytest.raises(Conflict) as refused:
        story.decide(make(story), now=at(2020, 9, 20, 8))
    assert refused.value.code == "DEADLINE_PASSED" and "2020年09月19日" in refused.value.message_zh


def test_a_late_recommendation_is_refused():
    story = Story().hr_passed()
    with pytest.raises(Conflict) as refused:
        story.decide(c.RecommendToCity(story.who.hr, story.id, "推荐"), now=at(2020, 9, 21))
    assert refused.value.code == "DEADLINE_PASSED"


def test_a_refused_late_action_changes_nothing_already_filed():
    story = Story().ca_passed()
    case_before, events_before = story.case, list(story.events)
    with pytest.raises(Conflict):
        story.do(c.SetFeeOption(story.who.hr, story.id, charge=False), now=at(2020, 9, 20))
    assert story.case == case_before and story.events == events_before


def test_the_city_may_forward_after_the_departments_deadline():
    story = Story().at_city()
    assert story.decide(c.ForwardToCommittee(story.who.city, story.id, "b"), now=at(2020, 9, 28))


def test_a_resubmission_after_the_deadline_is_recorded_but_the_unit_can_no_longer_act():
    story = Story()
    story.do(c.ReturnForRevision(story.who.unit, story.id, "补充", SECTIONS))
    story.do(c.OpenCase(SYSTEM, story.id, 2, story.case.outcome, story.summary), now=at(2020, 8, 25))
    with pytest.raises(Conflict) as refused:
        story.decide(c.UnitPass(story.who.unit, story.id, "同意"), now=at(2020, 8, 25))
    assert refused.value.code == "DEADLINE_PASSED"


def test_a_naive_now_is_a_programming_error():
    story = Story()
    with pytest.raises(ValueError):
        story.decide(c.UnitPass(story.who.unit, story.id, "同意"), now=datetime(2020, 7, 1, 10))


def test_the_plan_is_the_source_of_the_deadlines():
    assert (PLAN.unit_deadline, PLAN.city_deadline) == (date(2020, 8, 20), date(2020, 9, 19))
