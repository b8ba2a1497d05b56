from datetime import date

import pytest

from contracts.errors import Conflict, InvalidInput
from contracts.events import CaseOpened, Outcome, Returned, ReturnedSection, ReviewLevel
from services.review.domain import commands as c
from services.review.domain.case import Stage
from services.review.domain.transitions import fold

from .builders import SECTIONS, SYSTEM, Story, at


def _resubmit(story: Story, revision: int = 2, outcome: Outcome = Outcome.ELIGIBLE):
    return story.do(c.OpenCase(SYSTEM, story.id, revision, outcome, story.summary))


def test_the_unit_returns_naming_each_section_and_its_reason():
    story = Story()
    sections = (ReturnedSection(section="papers", reason="论文缺封面"),
                ReturnedSection(section="ce_certificates", reason="缺2019年学时证明"),
                ReturnedSection(section="appointment_letters", reason="聘书不足5年"))
    events = story.do(c.ReturnForRevision(story.who.unit, story.id, "材料不全", sections))
    assert events == [Returned(application_id=story.id, level=ReviewLevel.UNIT, reason="材料不全",
                               sections=list(sections))]
    assert story.case.stage == Stage.RETURNED and story.case.last_return == events[0]


@pytest.mark.parametrize("reason, sections, code", [
    ("", SECTIONS, "TEXT_REQUIRED"),
    ("材料不全", (), "SECTIONS_REQUIRED"),
    ("材料不全", (ReturnedSection(section="horoscope", reason="x"),), "UNKNOWN_SECTION"),
    ("材料不全", (ReturnedSection(section="papers", reason=" "),), "TEXT_REQUIRED"),
])
def test_a_return_without_a_reason_or_sections_is_refused(reason, sections, code):
    story = Story()
    with pytest.raises(InvalidInput) as refused:
        story.decide(c.ReturnForRevision(story.who.unit, story.id, reason, sections))
    assert refused.value.code == code


def test_the_level_of_a_return_follows_the_stage():
    story = Story().ca_passed()
    story.do(c.SetFeeOption(story.who.hr, story.id, charge=False))
    events = story.do(c.ReturnForRevision(story.who.hr, story.id, "学时证明模糊", SECTIONS))
    assert events[0].level == ReviewLevel.HR_BUREAU


def test_a_correction_returned_by_a_department_goes_back_to_that_department_and_keeps_the_whole_history():
    story = Story().ca_passed()
    story.do(c.SetFeeOption(story.who.hr, story.id, charge=False))
    story.do(c.ReturnForRevision(story.who.hr, story.id, "学时证明模糊", SECTIONS))
    before = story.case.history
    _resubmit(story)
    assert story.case.stage == Stage.AT_HR_BUREAU and story.case.revision == 2
    assert story.case.history[: len(before)] == before and isinstance(story.case.history[-1], CaseOpened)
    assert story.case.notice_ends_on is not None  # the unit's pass and notice stand
    assert story.case.fee_waived(ReviewLevel.HR_BUREAU)  # the department's choice stands
    # after the unit deadline the department can still decide: the case is not stranded at the unit
    story.do(c.DepartmentPass(story.who.hr, story.id, "学时证明清晰"), now=at(2020, 9, 1))
    assert story.case.stage == Stage.AWAITING_RECOMMENDATION


def test_a_correction_returned_by_the_unit_starts_again_at_the_unit_and_the_notice_runs_again():
    story = Story().unit_passed()
    story.do(c.ReturnForRevision(story.who.unit, story.id, "补充", SECTIONS))
    _resubmit(story)
    assert story.case.stage == Stage.AT_UNIT and story.case.notice_starts_on is None


def test_a_resubmission_of_an_old_revision_is_refused():
    story = Story()
    story.do(c.ReturnForRevision(story.who.unit, story.id, "补充", SECTIONS))
    with pytest.raises(Conflict) as refused:
        story.decide(c.OpenCase(SYSTEM, story.id, 1, Outcome.ELIGIBLE, story.summary))
    assert refused.value.code == "ALREADY_OPEN"


def test_a_returned_case_waits_for_the_applicant():
    story = Story()
    story.do(c.ReturnForRevision(story.who.unit, story.id, "补充", SECTIONS))
    for command in (c.UnitPass(story.who.unit, story.id, "同意"),
                    c.ReturnForRevision(story.who.unit, story.id, "再退", SECTIONS)):
        with pytest.raises(Conflict):
            story.decide(command)


def test_a_still_ineligible_resubmission_reopens_but_cannot_pass():
    story = Story()
    story.do(c.ReturnForRevision(story.who.unit, story.id, "补学时", SECTIONS))
    _resubmit(story, outcome=Outcome.INELIGIBLE)
    with pytest.raises(Conflict):
        story.decide(c.UnitPass(story.who.unit, story.id, "同意"))


def test_folding_the_events_again_gives_the_same_case():
    story = Story().forwarded()
    assert fold(story.events) == story.case
    assert story.case.version == len(story.events)


def test_an_event_before_the_case_was_opened_means_a_corrupt_stream():
    story = Story().unit_passed()
    with pytest.raises(ValueError):
        fold(story.events[1:])


def test_a_foreign_event_is_not_folded_silently():
    from contracts.events import UnitAuthorized
    story = Story()
    with pytest.raises(TypeError):
        fold([UnitAuthorized(unit_id="u", unit_name="u", operator_ref="o")], story.case)


def test_every_level_sees_the_current_results_of_the_rules_it_checks_again_recomputed_on_resubmission():
    from contracts.events import RuleResult
    short = RuleResult(code="CE_HOURS", passed=False, message_zh="2019年度行业公需科目10学时", message_en="short")
    made_up = short.model_copy(update={"passed": True, "message_zh": "学时符合"})
    other = RuleResult(code="PLEDGE_SIGNED", passed=True, message_zh="已签署", message_en="signed")
    story = Story()
    story.case = None
    story.do(c.OpenCase(SYSTEM, story.id, 1, Outcome.INELIGIBLE, story.summary, None, (short, other)))
    assert story.case.checks == (short,)  # only what the levels check again: 资历、考核、学时、评聘结合
    story.do(c.ReturnForRevision(story.who.unit, story.id, "补学时", SECTIONS))
    story.do(c.OpenCase(SYSTEM, story.id, 2, Outcome.ELIGIBLE, story.summary, None, (made_up, other)))
    assert story.case.checks == (made_up,) and story.case.eligible
