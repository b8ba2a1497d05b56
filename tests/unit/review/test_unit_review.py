from datetime import date

import pytest

from contracts.errors import Conflict, Forbidden, InvalidInput
from contracts.events import CaseClosed, Outcome, ReviewLevel, UnitApproved, UnitRejected
from services.review.domain import commands as c
from services.review.domain.case import Stage

from .builders import SYSTEM, Story, summary


def test_an_eligibility_assessment_opens_a_case_at_the_unit():
    story = Story()
    assert story.case.stage == Stage.AT_UNIT and story.case.revision == 1 and story.case.version == 1


def test_a_replayed_assessment_changes_nothing():
    story = Story()
    with pytest.raises(Conflict) as refused:
        story.decide(c.OpenCase(SYSTEM, story.id, 1, Outcome.ELIGIBLE, story.summary))
    assert refused.value.code == "ALREADY_OPEN"


def test_a_case_cannot_be_reopened_unless_it_was_returned():
    story = Story()
    with pytest.raises(Conflict) as refused:
        story.decide(c.OpenCase(SYSTEM, story.id, 2, Outcome.ELIGIBLE, story.summary))
    assert refused.value.code == "WRONG_STAGE"


def test_an_area_outside_the_plan_cannot_be_opened():
    with pytest.raises(KeyError):
        Story(summary(area="hangzhou"))


def test_the_unit_passes_with_its_opinion():
    story = Story()
    events = story.do(c.UnitPass(story.who.unit, story.id, "同意推荐"))
    assert events == [UnitApproved(application_id=story.id, opinion="同意推荐")]
    assert story.case.stage == Stage.AWAITING_NOTICE


def test_a_pass_without_an_opinion_is_refused():
    story = Story()
    with pytest.raises(InvalidInput) as refused:
        story.decide(c.UnitPass(story.who.unit, story.id, "   "))
    assert refused.value.code == "TEXT_REQUIRED" and refused.value.status == 422


def test_passing_twice_is_refused():
    story = Story().unit_passed()
    with pytest.raises(Conflict) as refused:
        story.decide(c.UnitPass(story.who.unit, story.id, "再次同意"))
    assert refused.value.status == 409 and refused.value.code == "WRONG_STAGE"


def test_not_passing_ends_the_case_with_the_reason():
    story = Story()
    events = story.do(c.UnitNotPass(story.who.unit, story.id, "聘任年限不足"))
    assert events == [UnitRejected(application_id=story.id, reason="聘任年限不足"),
                      CaseClosed(application_id=story.id, final_status="rejected", level=ReviewLevel.UNIT)]
    assert story.case.stage == Stage.CLOSED_REJECTED and story.case.closed_level == ReviewLevel.UNIT


def test_not_passing_without_a_reason_is_refused():
    story = Story()
    with pytest.raises(InvalidInput):
        story.decide(c.UnitNotPass(story.who.unit, story.id, ""))


def test_the_unit_may_still_reject_during_its_public_notice():
    story = Story().unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    story.do(c.UnitNotPass(story.who.unit, story.id, "公示异议属实"))
    assert story.case.stage == Stage.CLOSED_REJECTED


def test_a_closed_case_refuses_every_further_decision():
    story = Story()
    story.do(c.UnitNotPass(story.who.unit, story.id, "不符合条件"))
    for command in (c.UnitPass(story.who.unit, story.id, "x"), c.UnitNotPass(story.who.unit, story.id, "x")):
        with pytest.raises(Conflict):
            story.decide(command)


def test_an_ineligible_case_opens_flagged_and_cannot_be_passed():
    story = Story(outcome=Outcome.INELIGIBLE)
    assert story.case.stage == Stage.AT_UNIT and not story.case.eligible
    with pytest.raises(Conflict) as refused:
        story.decide(c.UnitPass(story.who.unit, story.id, "同意"))
    assert refused.value.code == "INELIGIBLE"


def test_another_unit_cannot_decide_on_the_case():
    story = Story()
    stranger = story.who.unit.model_copy(update={"organisation": "someone-else"})
    with pytest.raises(Forbidden):
        story.decide(c.UnitPass(stranger, story.id, "同意"))


def test_a_department_cannot_pass_a_case_the_unit_has_not_forwarded():
    story = Story()
    with pytest.raises(Conflict) as refused:
        story.decide(c.DepartmentPass(story.who.ca, story.id, "同意"))
    assert refused.value.code == "WRONG_STAGE"


def test_no_decision_before_the_case_is_opened():
    story = Story()
    with pytest.raises(Conflict) as refused:
        from services.review.domain.decide import decide
        from .builders import PLAN
        decide(None, c.UnitPass(story.who.unit, story.id, "同意"), now=story.now, plan=PLAN)
    assert refused.value.code == "CASE_NOT_OPEN"


def test_withdrawal_closes_an_open_case_but_not_a_forwarded_one():
    story = Story()
    story.do(c.CloseWithdrawn(SYSTEM, story.id, "本人撤回"))
    assert story.case.stage == Stage.WITHDRAWN
    forwarded = Story().forwarded()
    with pytest.raises(Conflict):
        forwarded.decide(c.CloseWithdrawn(SYSTEM, forwarded.id, "本人撤回"))
