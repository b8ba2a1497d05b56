"""Properties over random command sequences (hypothesis).

The generator plays every participant, mostly the right one for the case's level and sometimes
a wrong one, with blank texts now and then and a clock that moves forward past the deadlines.
"""
from datetime import timedelta

from hypothesis import HealthCheck, given, settings, strategies as st

from contracts import events as ev
from contracts.application import Route
from contracts.errors import Refused
from contracts.events import Outcome, ReturnedSection, ReviewLevel
from services.review.domain import commands as c
from services.review.domain.case import Stage
from services.review.domain.transitions import fold
from services.review.domain.guards import local_date

from .builders import PLAN, SECTIONS, SYSTEM, Story, at, summary

KINDS = ["unit_pass", "unit_not_pass", "return", "start_notice", "objection", "complete_notice", "fee_free",
         "fee_charge", "dept_pass", "dept_not_pass", "schedule", "interview_pass", "interview_fail",
         "recommend", "forward", "request_fee", "pay", "resubmit", "withdraw"]
# "advance" is the natural next step for the stage, so that many sequences get far up the chain
steps = st.lists(st.tuples(st.sampled_from(["advance"] * 40 + KINDS), st.integers(0, 9), st.booleans(),
                           st.sampled_from([0, 0, 0, 1, 1, 2, 3, 7])), max_size=60)
_NEXT = {
    Stage.AT_UNIT: "unit_pass", Stage.AWAITING_NOTICE: "start_notice", Stage.PUBLIC_NOTICE: "complete_notice",
    Stage.AWAITING_RECOMMENDATION: "recommend", Stage.AT_CITY: "forward", Stage.RETURNED: "resubmit",
}


def _advance(story: Story) -> str:
    case = story.case
    if case.stage in (Stage.AT_CONSTRUCTION_AUTHORITY, Stage.AT_HR_BUREAU):
        return "dept_pass" if case.fee_waived(case.level) else "fee_free"
    if case.stage == Stage.INTERVIEW_PENDING:
        return "interview_pass" if case.interview_at else "schedule"
    if case.stage == Stage.FORWARDED:
        return "pay" if case.fee_requested else "request_fee"
    return _NEXT.get(case.stage, "withdraw")
stories = st.builds(lambda route, area, outcome: Story(summary(route=route, area=area), outcome=outcome),
                    st.sampled_from(list(Route)), st.sampled_from(["yuecheng", "city", "xinchang"]),
                    st.sampled_from([Outcome.ELIGIBLE, Outcome.ELIGIBLE_INTERVIEW_REQUIRED, Outcome.INELIGIBLE]))


def _actor(story: Story, pick: int):
    natural = {ReviewLevel.UNIT: story.who.unit, ReviewLevel.CONSTRUCTION_AUTHORITY: story.who.ca,
               ReviewLevel.HR_BUREAU: story.who.hr, ReviewLevel.CITY_HR_BUREAU: story.who.city}
    others = [story.who.unit, story.who.ca, story.who.hr, story.who.city]
    return others[pick % 4] if pick < 2 else natural.get(story.case.level, story.who.unit)


def _command(story: Story, kind: str, pick: int, blank: bool) -> c.Command:
    kind = _advance(story) if kind == "advance" else kind
    who, i, text = _actor(story, pick), story.id, "" if blank and pick == 9 else "意见"
    today = local_date(story.now, PLAN)
    return {
        "unit_pass": lambda: c.UnitPass(who, i, text),
        "unit_not_pass": lambda: c.UnitNotPass(who, i, text),
        "return": lambda: c.ReturnForRevision(who, i, text, SECTIONS),
        "start_notice": lambda: c.StartPublicNotice(who, i, today),
        "objection": lambda: c.RecordObjection(who, i, text),
        "complete_notice": lambda: c.CompletePublicNotice(who, i, text),
        "fee_free": lambda: c.SetFeeOption(who, i, False),
        "fee_charge": lambda: c.SetFeeOption(who, i, True),
        "dept_pass": lambda: c.DepartmentPass(who, i, text),
        "dept_not_pass": lambda: c.DepartmentNotPass(who, i, text),
        "schedule": lambda: c.ScheduleInterview(who, i, story.now + timedelta(hours=1), "人社大楼"),
        "interview_pass": lambda: c.RecordInterviewResult(who, i, True, text),
        "interview_fail": lambda: c.RecordInterviewResult(who, i, False, text),
        "recommend": lambda: c.RecommendToCity(who, i, text),
        "forward": lambda: c.ForwardToCommittee(story.who.city, i, "b"),
        "request_fee": lambda: c.RequestFee(story.who.city, i, 600, story.now + timedelta(days=10)),
        "pay": lambda: c.RecordFeePayment(story.who.city, i, story.case.fee_requested or 600, story.now),
        "resubmit": lambda: c.OpenCase(SYSTEM, i, story.case.revision + 1, Outcome.ELIGIBLE, story.summary),
        "withdraw": lambda: c.CloseWithdrawn(SYSTEM, i, text),
    }[kind]()


STEPS = [(ev.UnitApproved, None), (ev.PublicNoticeCompleted, None),
         (ev.DepartmentApproved, ReviewLevel.CONSTRUCTION_AUTHORITY), (ev.DepartmentApproved, ReviewLevel.HR_BUREAU),
         (ev.HRBureauRecommended, None), (ev.ForwardedToCommittee, None)]
# A corrected return goes back to the level that returned it (ARCHITECTURE.md, "Who may act until
# when"): a return at that level undoes the passes from that level on; those before it stand. The
# HR bureau's recommendation (STEPS[4]) is its own level's act, so a return by the city HR bureau
# leaves it standing: the city's own pass is forwarding to the committee (STEPS[5]).
UNDONE_FROM = {ReviewLevel.UNIT: 0, ReviewLevel.CONSTRUCTION_AUTHORITY: 2, ReviewLevel.HR_BUREAU: 3,
               ReviewLevel.CITY_HR_BUREAU: 5}


def _passed_every_level_in_order(history) -> bool:
    passed = [False] * len(STEPS)
    for event in history:
        if isinstance(event, ev.Returned):
            for k in range(UNDONE_FROM[event.level], len(STEPS)):
                passed[k] = False
            continue
        step = (type(event), getattr(event, "level", None))
        if step in STEPS:
            k = STEPS.index(step)
            passed[k] = all(passed[:k])  # a pass counts only after every level before it
    return all(passed)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(story=stories, script=steps)
def test_no_sequence_of_commands_reaches_the_committee_without_passing_every_level(story, script):
    for kind, pick, blank, days in script:
        story.now += timedelta(days=days, hours=pick)
        before = story.case
        try:
            story.do(_command(story, kind, pick, blank))
        except Refused:
            assert story.case is before
        case = story.case
        if case.stage == Stage.FORWARDED:
            assert _passed_every_level_in_order(case.history)
            assert case.eligible
            assert not case.interview_required or case.interview_passed
    assert fold(story.events) == story.case


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(story=stories, script=steps)
def test_a_returned_case_can_always_be_resubmitted(story, script):
    for kind, pick, blank, days in script:
        story.now += timedelta(days=days, hours=pick)
        if story.case.stage == Stage.RETURNED:
            reopened = story.decide(c.OpenCase(SYSTEM, story.id, story.case.revision + 1,
                                               Outcome.ELIGIBLE, story.summary))
            assert [type(e) for e in reopened] == [ev.CaseOpened]
        try:
            story.do(_command(story, kind, pick, blank))
        except Refused:
            pass


@settings(max_examples=100, deadline=None)
@given(level=st.sampled_from(["unit", "notice", "ca", "hr", "city"]), route=st.sampled_from(list(Route)),
       section=st.sampled_from(["papers", "ce_certificates", "appointment_letters", "other"]))
def test_a_return_at_any_level_leads_back_to_the_level_that_returned_it(level, route, section):
    story = Story(summary(route=route))
    who = {"unit": story.who.unit, "notice": story.who.unit, "ca": story.who.ca, "hr": story.who.hr,
           "city": story.who.city}[level]
    {"unit": lambda: None, "notice": story.unit_passed, "ca": story.notice_completed,
     "hr": story.ca_passed, "city": story.at_city}[level]()
    if level in ("ca", "hr"):
        story.do(c.SetFeeOption(who, story.id, False))
    story.do(c.ReturnForRevision(who, story.id, "请修改", (ReturnedSection(section=section, reason="不清晰"),)))
    story.do(c.OpenCase(SYSTEM, story.id, 2, Outcome.ELIGIBLE, story.summary), now=at(2020, 9, 30))
    back_to = {"unit": Stage.AT_UNIT, "notice": Stage.AT_UNIT, "ca": Stage.AT_CONSTRUCTION_AUTHORITY,
               "hr": Stage.AT_HR_BUREAU, "city": Stage.AT_CITY}[level]
    assert story.case.stage == back_to and story.case.revision == 2
