import pytest

from contracts.errors import Conflict, Forbidden, InvalidInput
from contracts.application import Route
from contracts.events import CaseClosed, DepartmentApproved, DepartmentRejected, FeeOptionSet, Outcome, ReviewLevel
from services.review.domain import commands as c
from services.review.domain.case import Stage

from .builders import Story, summary


def test_a_department_cannot_act_before_setting_its_fee_option_to_no_charge():
    story = Story().notice_completed()
    for command in (c.DepartmentPass(story.who.ca, story.id, "同意"),
                    c.DepartmentNotPass(story.who.ca, story.id, "不符合"),
                    c.ReturnForRevision(story.who.ca, story.id, "补充", ()),):
        with pytest.raises(Conflict) as refused:
            story.decide(command)
        assert refused.value.code == "FEE_OPTION_NOT_SET" and "不收费" in refused.value.message_zh


def test_the_fee_option_is_recorded_for_the_department_at_its_level():
    story = Story().notice_completed()
    assert story.do(c.SetFeeOption(story.who.ca, story.id, charge=False)) == [
        FeeOptionSet(application_id=story.id, department="yc-construction", level=ReviewLevel.CONSTRUCTION_AUTHORITY, charge=False)]
    assert story.case.fee_waived(ReviewLevel.CONSTRUCTION_AUTHORITY)


def test_setting_the_same_fee_option_twice_is_refused():
    story = Story().notice_completed()
    with pytest.raises(Conflict) as refused:
        story.decide(c.SetFeeOption(story.who.ca, story.id, charge=True))  # 收费 is the default
    assert refused.value.code == "FEE_OPTION_UNCHANGED"


def test_once_no_charge_is_set_no_level_can_set_charging_again_in_the_review_stage():
    story = Story().notice_completed()
    story.do(c.SetFeeOption(story.who.ca, story.id, charge=False))
    with pytest.raises(Conflict) as refused:
        story.decide(c.SetFeeOption(story.who.ca, story.id, charge=True))
    assert refused.value.code == "REVIEW_IS_FREE" and "审核环节不得收取任何费用" in refused.value.message_zh
    story.do(c.DepartmentPass(story.who.ca, story.id, "同意"))
    with pytest.raises(Conflict) as refused:  # the HR bureau's own switch still says 收费, but the stage is free
        story.decide(c.SetFeeOption(story.who.hr, story.id, charge=True))
    assert refused.value.code == "REVIEW_IS_FREE"


def test_the_construction_authority_passes_to_the_hr_bureau():
    story = Story().notice_completed()
    story.do(c.SetFeeOption(story.who.ca, story.id, charge=False))
    events = story.do(c.DepartmentPass(story.who.ca, story.id, "资历符合"))
    assert events == [DepartmentApproved(application_id=story.id, level=ReviewLevel.CONSTRUCTION_AUTHORITY,
                                         department="yc-construction", opinion="资历符合", form_copies=0,
                                         deliver_to="")]
    assert story.case.stage == Stage.AT_HR_BUREAU


def test_the_hr_bureaus_pass_tells_how_many_evaluation_forms_to_bring_and_where():
    story = Story().ca_passed()
    story.do(c.SetFeeOption(story.who.hr, story.id, charge=False))
    [passed] = story.do(c.DepartmentPass(story.who.hr, story.id, "同意"))
    assert passed.form_copies == 3 and passed.deliver_to.startswith("越城区人力资源和社会保障局人事管理科（越城区北海街道马臻路45号")
    interviewed = Story(summary(route=Route.TRANSFER), outcome=Outcome.ELIGIBLE_INTERVIEW_REQUIRED).ca_passed()
    interviewed.do(c.SetFeeOption(interviewed.who.hr, interviewed.id, charge=False))
    [passed] = interviewed.do(c.DepartmentPass(interviewed.who.hr, interviewed.id, "同意"))
    assert passed.form_copies == 4  # 参加面试人员4份


def test_the_hr_bureau_fee_option_is_its_own():
    story = Story().ca_passed()
    with pytest.raises(Conflict) as refused:
        story.decide(c.DepartmentPass(story.who.hr, story.id, "同意"))
    assert refused.value.code == "FEE_OPTION_NOT_SET"


def test_a_department_pass_needs_an_opinion():
    story = Story().notice_completed()
    story.do(c.SetFeeOption(story.who.ca, story.id, charge=False))
    with pytest.raises(InvalidInput):
        story.decide(c.DepartmentPass(story.who.ca, story.id, ""))


def test_a_department_not_pass_ends_the_case_at_its_level():
    story = Story().ca_passed()
    story.do(c.SetFeeOption(story.who.hr, story.id, charge=False))
    events = story.do(c.DepartmentNotPass(story.who.hr, story.id, "年度考核缺2017年"))
    assert events == [DepartmentRejected(application_id=story.id, level=ReviewLevel.HR_BUREAU, department="yc-hr",
                                         reason="年度考核缺2017年"),
                      CaseClosed(application_id=story.id, final_status="rejected", level=ReviewLevel.HR_BUREAU)]
    assert story.case.stage == Stage.CLOSED_REJECTED


def test_a_department_not_pass_needs_a_reason():
    story = Story().notice_completed()
    story.do(c.SetFeeOption(story.who.ca, story.id, charge=False))
    with pytest.raises(InvalidInput):
        story.decide(c.DepartmentNotPass(story.who.ca, story.id, " "))


def test_a_department_cannot_act_twice():
    story = Story().ca_passed()
    with pytest.raises(Conflict) as refused:
        story.decide(c.DepartmentPass(story.who.ca, story.id, "再次同意"))
    assert refused.value.code == "WRONG_STAGE"


def test_the_hr_bureau_cannot_act_while_the_construction_authority_has_the_case():
    story = Story().notice_completed()
    with pytest.raises(Conflict) as refused:
        story.decide(c.SetFeeOption(story.who.hr, story.id, charge=False))
    assert refused.value.code == "WRONG_STAGE"


def test_another_areas_department_is_forbidden():
    story = Story().notice_completed()
    other = story.who.ca.model_copy(update={"organisation": "kq-construction"})
    with pytest.raises(Forbidden):
        story.decide(c.SetFeeOption(other, story.id, charge=False))


def test_for_a_city_level_unit_the_city_hr_bureau_acts_at_the_hr_level():
    story = Story(summary(area="city", unit_id="city-institute")).ca_passed()
    assert story.who.hr.organisation == "sx-city-hr"
    story.do(c.SetFeeOption(story.who.hr, story.id, charge=False))
    story.do(c.DepartmentPass(story.who.hr, story.id, "同意"))
    story.do(c.RecommendToCity(story.who.hr, story.id, "审核推荐"))
    assert story.case.stage == Stage.AT_CITY


def test_the_hr_bureau_recommends_only_after_passing():
    story = Story().ca_passed()
    with pytest.raises(Conflict):
        story.decide(c.RecommendToCity(story.who.hr, story.id, "推荐"))


def test_the_hr_bureau_recommendation_moves_the_case_to_the_city():
    story = Story().hr_passed()
    assert story.case.stage == Stage.AWAITING_RECOMMENDATION
    story.do(c.RecommendToCity(story.who.hr, story.id, "审核推荐"))
    assert story.case.stage == Stage.AT_CITY
