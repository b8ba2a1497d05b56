"""No case left stranded: who may act until when at every stage, the deadline sweep, and a
property walking random commands and clock moves (issue 12)."""
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from contracts.deadlines import level_deadline
from contracts.errors import Conflict, Refused
from contracts.events import CaseClosed, ClosedOverdue, Outcome, ReviewLevel
from services.review.domain import commands as c
from services.review.domain.case import CLOSED, Stage
from services.review.domain.guards import local_date, stage_deadline

from .builders import PLAN, SECTIONS, SYSTEM, Story, at, summary
from .test_properties import _command, steps, stories


def test_the_city_deadline_binds_those_reporting_to_the_city_hr_bureau_not_its_own_work():
    assert level_deadline(PLAN, ReviewLevel.UNIT, "keqiao") == date(2020, 8, 20)
    assert level_deadline(PLAN, ReviewLevel.CONSTRUCTION_AUTHORITY, "city") == date(2020, 9, 19)
    assert level_deadline(PLAN, ReviewLevel.HR_BUREAU, "keqiao") == date(2020, 9, 19)
    # 市直: the city HR bureau is the HR-bureau level itself; its own work has the operator's date
    assert level_deadline(PLAN, ReviewLevel.HR_BUREAU, "city") == PLAN.city_working_deadline
    assert level_deadline(PLAN, ReviewLevel.CITY_HR_BUREAU, "keqiao") == PLAN.city_working_deadline
    assert PLAN.unconfirmed("city_working_deadline")


def test_a_city_level_case_that_the_city_construction_bureau_passes_on_09_19_can_still_be_decided_by_the_city():
    story = Story(summary(area="city", unit_id="unit-city-1")).notice_completed()
    story.do(c.SetFeeOption(story.who.ca, story.id, charge=False), now=at(2020, 9, 19))
    story.do(c.DepartmentPass(story.who.ca, story.id, "同意"), now=at(2020, 9, 19, 17))
    story.do(c.SetFeeOption(story.who.hr, story.id, charge=False), now=at(2020, 9, 20))
    story.do(c.DepartmentPass(story.who.hr, story.id, "同意"), now=at(2020, 9, 21))
    story.do(c.RecommendToCity(story.who.hr, story.id, "推荐"), now=at(2020, 9, 21))
    story.do(c.ForwardToCommittee(story.who.city, story.id, "b"), now=at(2020, 9, 22))
    assert story.case.stage == Stage.FORWARDED


def test_a_district_interview_must_be_held_by_the_city_deadline_and_a_late_one_is_swept():
    story = Story(summary(route="transfer"), outcome=Outcome.ELIGIBLE_INTERVIEW_REQUIRED).hr_passed()
    assert stage_deadline(story.case, PLAN) == date(2020, 9, 19)
    with pytest.raises(Conflict):
        story.decide(c.ScheduleInterview(story.who.hr, story.id, at(2020, 9, 25), "人社大楼"), now=at(2020, 9, 20))
    story.do(c.CloseOverdue(SYSTEM, story.id), now=at(2020, 9, 20))
    assert story.case.stage == Stage.CLOSED_OVERDUE


@pytest.mark.parametrize("prepare, stage, level, deadline, waiting_for", [
    (lambda s: None, Stage.AT_UNIT, ReviewLevel.UNIT, date(2020, 8, 20), "unit-yc-1"),
    (lambda s: s.unit_passed(), Stage.AWAITING_NOTICE, ReviewLevel.UNIT, date(2020, 8, 20), "unit-yc-1"),
    (lambda s: s.notice_completed(), Stage.AT_CONSTRUCTION_AUTHORITY, ReviewLevel.CONSTRUCTION_AUTHORITY,
     date(2020, 9, 19), "yc-construction"),
    (lambda s: s.ca_passed(), Stage.AT_HR_BUREAU, ReviewLevel.HR_BUREAU, date(2020, 9, 19), "yc-hr"),
    (lambda s: s.hr_passed(), Stage.AWAITING_RECOMMENDATION, ReviewLevel.HR_BUREAU, date(2020, 9, 19), "yc-hr"),
    (lambda s: s.at_city(), Stage.AT_CITY, ReviewLevel.CITY_HR_BUREAU, date(2020, 9, 30), "sx-city-hr"),
    (lambda s: s.do(c.ReturnForRevision(s.who.unit, s.id, "补", SECTIONS)), Stage.RETURNED, ReviewLevel.UNIT,
     date(2020, 8, 20), "applicant"),
])
def test_the_sweep_closes_a_case_still_waiting_the_day_after_its_stage_deadline(prepare, stage, level, deadline,
                                                                               waiting_for):
    story = Story()
    prepare(story)
    assert story.case.stage == stage and stage_deadline(story.case, PLAN) == deadline
    with pytest.raises(Conflict) as refused:
        story.decide(c.CloseOverdue(SYSTEM, story.id), now=at(deadline.year, deadline.month, deadline.day, 23))
    assert refused.value.code == "NOT_OVERDUE"
    day_after = deadline + timedelta(days=1)
    events = story.do(c.CloseOverdue(SYSTEM, story.id), now=at(day_after.year, day_after.month, day_after.day, 0))
    reason = "逾期未重新提交" if stage == Stage.RETURNED else "逾期未审核"
    assert events == [
        ClosedOverdue(application_id=story.id, level=level, waiting_for=waiting_for, deadline=deadline, reason=reason,
                      unit_org="unit-yc-1"),
        CaseClosed(application_id=story.id, final_status="overdue", level=level)]
    assert story.case.stage == Stage.CLOSED_OVERDUE and story.case.stage in CLOSED


@pytest.mark.parametrize("prepare", [lambda s: s.forwarded(), lambda s: s.do(c.UnitNotPass(s.who.unit, s.id, "否"))])
def test_the_sweep_leaves_forwarded_and_closed_cases_alone(prepare):
    story = Story()
    prepare(story)
    with pytest.raises(Conflict) as refused:
        story.decide(c.CloseOverdue(SYSTEM, story.id), now=at(2021, 1, 1))
    assert refused.value.code == "NOT_WAITING"


def test_a_department_return_resubmitted_after_the_unit_deadline_is_decided_by_that_department():
    story = Story().ca_passed()
    story.do(c.SetFeeOption(story.who.hr, story.id, charge=False))
    story.do(c.ReturnForRevision(story.who.hr, story.id, "学时证明模糊", SECTIONS), now=at(2020, 8, 25))
    assert stage_deadline(story.case, PLAN) == date(2020, 9, 19)  # the applicant may correct until then
    story.do(c.OpenCase(SYSTEM, story.id, 2, Outcome.ELIGIBLE, story.summary), now=at(2020, 8, 28))
    assert story.events[-1].acting.org_id == "yc-hr"  # CaseOpened says who acts: the returning bureau
    story.do(c.DepartmentPass(story.who.hr, story.id, "已补正"), now=at(2020, 8, 29))
    assert story.case.stage == Stage.AWAITING_RECOMMENDATION


def _someone_can_act(story) -> bool:
    """Some participant's command is accepted now: the acting organisation's own decision (a
    not-pass, a return, or for a returned case the applicant's resubmission)."""
    case, who = story.case, story.who
    actor = {ReviewLevel.UNIT: who.unit, ReviewLevel.CONSTRUCTION_AUTHORITY: who.ca,
             ReviewLevel.HR_BUREAU: who.hr, ReviewLevel.CITY_HR_BUREAU: who.city}.get(case.level)
    candidates = {
        Stage.RETURNED: [c.OpenCase(SYSTEM, story.id, case.revision + 1, Outcome.ELIGIBLE, story.summary)],
        Stage.AT_UNIT: [c.UnitNotPass(actor, story.id, "否")],
        Stage.AWAITING_NOTICE: [c.UnitNotPass(actor, story.id, "否")],
        Stage.PUBLIC_NOTICE: [c.UnitNotPass(actor, story.id, "否")],
        Stage.AT_CITY: [c.DepartmentNotPass(actor, story.id, "否")],
        Stage.AWAITING_RECOMMENDATION: [c.RecommendToCity(actor, story.id, "推荐")],
        Stage.INTERVIEW_PENDING: [c.ScheduleInterview(actor, story.id, story.now + timedelta(hours=1), "人社大楼"),
                                  c.RecordInterviewResult(actor, story.id, False, "未通过")],
    }.get(case.stage, [c.SetFeeOption(actor, story.id, False), c.DepartmentNotPass(actor, story.id, "否")])
    for command in candidates:
        try:
            story.decide(command)
            return True
        except Refused:
            continue
    return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(story=stories, script=steps, sweeps=st.lists(st.booleans(), min_size=60, max_size=60))
def test_after_any_commands_clock_moves_and_sweeps_every_case_is_ended_or_inside_a_deadline_someone_can_meet(
        story, script, sweeps):
    for (kind, pick, blank, days), sweep in zip(script, sweeps):
        story.now += timedelta(days=days, hours=pick)
        try:
            story.do(_command(story, kind, pick, blank))
        except Refused:
            pass
        if sweep:
            try:
                story.do(c.CloseOverdue(SYSTEM, story.id))
            except Refused:
                pass
    try:  # the sweep of the day
        story.do(c.CloseOverdue(SYSTEM, story.id))
    except Refused as refused:
        assert refused.code in ("NOT_OVERDUE", "NOT_WAITING")
    case = story.case
    ended = case.stage in CLOSED or case.stage == Stage.FORWARDED
    if not ended:
        assert local_date(story.now, PLAN) <= stage_deadline(case, PLAN)
        assert _someone_can_act(story), case.stage


@pytest.mark.parametrize("late", [
    lambda s: c.UnitPass(s.who.unit, s.id, "同意推荐"),
    lambda s: c.ReturnForRevision(s.who.unit, s.id, "补", SECTIONS),
])
def test_a_decision_after_the_sweep_closed_the_case_is_refused_as_late_not_as_a_wrong_stage(late):
    story = Story(summary())
    story.do(c.CloseOverdue(SYSTEM, story.id), now=at(2020, 8, 21))
    with pytest.raises(Conflict) as refused:
        story.decide(late(story), now=at(2020, 8, 21, 10))
    assert refused.value.code == "DEADLINE_PASSED" and "逾期" in refused.value.message_zh
