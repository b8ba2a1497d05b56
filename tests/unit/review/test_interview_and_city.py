from datetime import timedelta

import pytest

from contracts.application import Route
from contracts.errors import Conflict, InvalidInput
from contracts.events import CaseClosed, FeePaid, FeeRequested, ForwardedToCommittee, Outcome, ReviewLevel
from services.review.domain import commands as c
from services.review.domain.case import Stage

from .builders import PLAN, Story, at, summary


@pytest.mark.parametrize("route", [Route.TRANSFER, Route.LANDMARK])
def test_transfer_and_landmark_applicants_must_pass_an_interview_before_recommendation(route):
    story = Story(summary(route=route)).hr_passed()
    assert story.case.stage == Stage.INTERVIEW_PENDING
    with pytest.raises(Conflict):
        story.decide(c.RecommendToCity(story.who.hr, story.id, "推荐"))


def test_an_interview_required_by_the_eligibility_outcome_is_honoured():
    story = Story(outcome=Outcome.ELIGIBLE_INTERVIEW_REQUIRED).hr_passed()
    assert story.case.stage == Stage.INTERVIEW_PENDING


def test_normal_route_applicants_need_no_interview():
    story = Story().hr_passed()
    assert story.case.stage == Stage.AWAITING_RECOMMENDATION
    with pytest.raises(Conflict):
        story.decide(c.ScheduleInterview(story.who.hr, story.id, at(2020, 8, 1), "人社大楼"))


def test_a_result_cannot_be_recorded_before_the_interview_is_scheduled_and_held():
    story = Story(summary(route=Route.TRANSFER)).hr_passed()
    with pytest.raises(Conflict) as refused:
        story.decide(c.RecordInterviewResult(story.who.hr, story.id, True))
    assert refused.value.code == "INTERVIEW_NOT_HELD"
    story.do(c.ScheduleInterview(story.who.hr, story.id, at(2020, 8, 1, 9), "人社大楼"))
    with pytest.raises(Conflict):
        story.decide(c.RecordInterviewResult(story.who.hr, story.id, True), now=at(2020, 7, 31))


def test_an_interview_in_the_past_or_without_a_place_is_refused():
    story = Story(summary(route=Route.TRANSFER)).hr_passed()
    with pytest.raises(InvalidInput):
        story.decide(c.ScheduleInterview(story.who.hr, story.id, story.now - timedelta(hours=1), "人社大楼"))
    with pytest.raises(InvalidInput):
        story.decide(c.ScheduleInterview(story.who.hr, story.id, at(2020, 8, 1), ""))


def test_a_failed_interview_ends_the_case_and_needs_a_reason():
    story = Story(summary(route=Route.LANDMARK)).hr_passed()
    story.do(c.ScheduleInterview(story.who.hr, story.id, at(2020, 8, 1, 9), "人社大楼"))
    story.now = at(2020, 8, 1, 12)
    with pytest.raises(InvalidInput):
        story.decide(c.RecordInterviewResult(story.who.hr, story.id, False, ""))
    events = story.do(c.RecordInterviewResult(story.who.hr, story.id, False, "业绩陈述不清"))
    assert events[-1] == CaseClosed(application_id=story.id, final_status="interview_failed",
                                    level=ReviewLevel.HR_BUREAU)
    assert story.case.stage == Stage.CLOSED_INTERVIEW_FAILED


def test_a_passed_interview_lets_the_hr_bureau_recommend():
    story = Story(summary(route=Route.TRANSFER)).at_city()
    assert story.case.stage == Stage.AT_CITY and story.case.interview_passed


def test_the_city_forwards_to_the_committee():
    story = Story().at_city()
    events = story.do(c.ForwardToCommittee(story.who.city, story.id, "batch-1"))
    assert events == [ForwardedToCommittee(application_id=story.id, committee=PLAN.committee_zh, batch_id="batch-1")]
    with pytest.raises(Conflict):
        story.decide(c.ForwardToCommittee(story.who.city, story.id, "batch-2"))


def test_only_the_city_forwards():
    story = Story().at_city()
    with pytest.raises(Conflict):
        story.decide(c.ForwardToCommittee(story.who.hr, story.id, "batch-1"))


def test_the_city_may_return_or_reject_at_its_aggregation_without_a_fee_option():
    story = Story().at_city()
    story.do(c.DepartmentNotPass(story.who.city, story.id, "外省证书未经确认"))
    assert story.case.stage == Stage.CLOSED_REJECTED and story.case.closed_level == ReviewLevel.CITY_HR_BUREAU


def test_the_fee_is_requested_after_forwarding_and_paid_once():
    story = Story().forwarded()
    due = story.now + timedelta(days=10)
    events = story.do(c.RequestFee(story.who.city, story.id, 600, due))
    assert events == [FeeRequested(application_id=story.id, amount_yuan=600, due_by=due)]
    with pytest.raises(Conflict):
        story.decide(c.RequestFee(story.who.city, story.id, 600, due))
    paid = story.do(c.RecordFeePayment(story.who.city, story.id, 600, story.now, "R-1"))
    assert paid == [FeePaid(application_id=story.id, amount_yuan=600, paid_at=story.now, receipt="R-1")]
    with pytest.raises(Conflict) as refused:
        story.decide(c.RecordFeePayment(story.who.city, story.id, 600, story.now))
    assert refused.value.code == "FEE_ALREADY_PAID"


def test_a_fee_cannot_be_requested_before_forwarding_nor_paid_before_requested():
    with pytest.raises(Conflict):
        (s := Story().at_city()).decide(c.RequestFee(s.who.city, s.id, 600, s.now + timedelta(days=3)))
    with pytest.raises(Conflict) as refused:
        (s := Story().forwarded()).decide(c.RecordFeePayment(s.who.city, s.id, 600, s.now))
    assert refused.value.code == "FEE_NOT_REQUESTED"


def test_a_wrong_amount_or_a_future_payment_is_refused():
    story = Story().forwarded()
    story.do(c.RequestFee(story.who.city, story.id, 600, story.now + timedelta(days=3)))
    with pytest.raises(InvalidInput):
        story.decide(c.RecordFeePayment(story.who.city, story.id, 500, story.now))
    with pytest.raises(InvalidInput):
        story.decide(c.RecordFeePayment(story.who.city, story.id, 600, story.now + timedelta(days=1)))


def test_the_fee_amount_and_due_time_are_what_the_city_hr_bureau_set_in_its_request():
    story = Story().forwarded()
    due = story.now + timedelta(days=5, hours=3)
    [requested] = story.do(c.RequestFee(story.who.city, story.id, 480, due))
    assert (requested.amount_yuan, requested.due_by) == (480, due)  # nothing taken from the plan


@pytest.mark.parametrize("amount, due_in", [(0, 3), (-5, 3), (600, 0), (600, -1)])
def test_a_fee_request_without_a_positive_amount_or_a_future_due_time_is_refused(amount, due_in):
    story = Story().forwarded()
    with pytest.raises(InvalidInput):
        story.decide(c.RequestFee(story.who.city, story.id, amount, story.now + timedelta(days=due_in)))
