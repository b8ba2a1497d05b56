from datetime import date

import pytest

from contracts.errors import Conflict, InvalidInput
from contracts.events import (CaseClosed, ObjectionRecorded, ObjectionResolved, PublicNoticeCompleted,
                              PublicNoticeStarted, ReviewLevel)
from services.review.domain import commands as c
from services.review.domain.case import Stage

from .builders import Story, at


def test_the_notice_lasts_five_working_days_from_its_start():
    story = Story().unit_passed()
    events = story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    assert events == [PublicNoticeStarted(application_id=story.id, starts_on=date(2020, 7, 6),
                                          ends_on=date(2020, 7, 10), working_days=5)]
    assert story.case.stage == Stage.PUBLIC_NOTICE


def test_a_notice_cannot_start_before_the_unit_passed():
    story = Story()
    with pytest.raises(Conflict):
        story.decide(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))


def test_a_notice_cannot_start_in_the_past():
    story = Story().unit_passed()
    with pytest.raises(InvalidInput) as refused:
        story.decide(c.StartPublicNotice(story.who.unit, story.id, date(2020, 6, 29)))
    assert refused.value.code == "NOTICE_START_IN_PAST"


def test_a_notice_that_would_end_after_the_unit_deadline_is_refused_at_its_start():
    story = Story(now=at(2020, 8, 17)).unit_passed()
    with pytest.raises(Conflict) as refused:  # 08-17..08-21 ends a day after 08-20
        story.decide(c.StartPublicNotice(story.who.unit, story.id, date(2020, 8, 17)))
    assert refused.value.code == "NOTICE_ENDS_AFTER_DEADLINE" and "逾期不再受理" in refused.value.message_zh


def test_objections_are_recorded_during_the_notice_and_counted_at_its_end():
    story = Story().unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    assert story.do(c.RecordObjection(story.who.unit, story.id, "业绩署名有疑问"), now=at(2020, 7, 7)) == [
        ObjectionRecorded(application_id=story.id, summary="业绩署名有疑问")]
    story.do(c.ResolveObjection(story.who.unit, story.id, False, "经核实署名无误"), now=at(2020, 7, 8))
    events = story.do(c.CompletePublicNotice(story.who.unit, story.id, "异议经核实不成立"), now=at(2020, 7, 13))
    assert events == [PublicNoticeCompleted(application_id=story.id, objections=1, result="异议经核实不成立")]
    assert story.case.stage == Stage.AT_CONSTRUCTION_AUTHORITY


def test_an_objection_without_content_is_refused():
    story = Story().unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    with pytest.raises(InvalidInput):
        story.decide(c.RecordObjection(story.who.unit, story.id, ""), now=at(2020, 7, 6))


def test_an_objection_outside_a_notice_is_refused():
    story = Story().unit_passed()
    with pytest.raises(Conflict):
        story.decide(c.RecordObjection(story.who.unit, story.id, "异议"))


def test_the_unit_cannot_forward_before_the_notice_has_ended():
    story = Story().unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    with pytest.raises(Conflict) as refused:
        story.decide(c.CompletePublicNotice(story.who.unit, story.id, "无异议"), now=at(2020, 7, 9, 23))
    assert refused.value.code == "NOTICE_NOT_ENDED"


def test_the_notice_end_follows_the_plan_timezone():
    story = Story().unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    # 2020-07-10 15:30 UTC is 23:30 on the notice's last day in Shanghai; 16:30 UTC is the next day
    from datetime import datetime, timezone
    with pytest.raises(Conflict):
        story.decide(c.CompletePublicNotice(story.who.unit, story.id, "无异议"),
                     now=datetime(2020, 7, 10, 15, 30, tzinfo=timezone.utc))
    assert story.decide(c.CompletePublicNotice(story.who.unit, story.id, "无异议"),
                        now=datetime(2020, 7, 10, 16, 30, tzinfo=timezone.utc))


def test_completing_requires_the_notice_result():
    story = Story().unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    with pytest.raises(InvalidInput):
        story.decide(c.CompletePublicNotice(story.who.unit, story.id, " "), now=at(2020, 7, 13))


def test_a_notice_across_national_day_ends_after_the_holiday():
    # a notice is not usually run in late September, but the count must be right if it is
    from contracts.plan import load_plan
    plan = load_plan().model_copy(update={"unit_deadline": date(2020, 10, 31), "city_deadline": date(2020, 11, 30)})
    story = Story(now=at(2020, 9, 27), plan=plan)
    story.do(c.UnitPass(story.who.unit, story.id, "同意"))
    events = story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 9, 28)))
    assert events[0].ends_on == date(2020, 10, 10)  # 09-28, 09-29, 09-30, 10-09, 10-10 (Saturday, worked)


def _noticed_with_objection(story):
    story.unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    story.do(c.RecordObjection(story.who.unit, story.id, "业绩署名有疑问"), now=at(2020, 7, 7))
    return story


def test_the_unit_cannot_forward_on_the_fifth_working_day_only_after_it_has_ended():
    story = Story().unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))  # 5th working day: Fri 07-10
    with pytest.raises(Conflict) as refused:
        story.decide(c.CompletePublicNotice(story.who.unit, story.id, "无异议"), now=at(2020, 7, 10, 17))
    assert refused.value.code == "NOTICE_NOT_ENDED"
    assert story.decide(c.CompletePublicNotice(story.who.unit, story.id, "无异议"), now=at(2020, 7, 11, 9))


def test_a_notice_whose_fifth_working_day_is_the_unit_deadline_cannot_start():
    story = Story(now=at(2020, 8, 14)).unit_passed()  # Fri 08-14 + 5 working days ends Thu 08-20
    with pytest.raises(Conflict) as refused:
        story.decide(c.StartPublicNotice(story.who.unit, story.id, date(2020, 8, 14)))
    assert refused.value.code == "NOTICE_ENDS_AFTER_DEADLINE"


def test_an_unresolved_objection_holds_the_case_until_the_unit_records_its_outcome():
    story = _noticed_with_objection(Story())
    with pytest.raises(Conflict) as refused:
        story.decide(c.CompletePublicNotice(story.who.unit, story.id, "无异议"), now=at(2020, 7, 13))
    assert refused.value.code == "OBJECTION_UNRESOLVED" and "确认无意见后方可报送" in refused.value.message_zh
    assert story.do(c.ResolveObjection(story.who.unit, story.id, False, "经核实署名无误"), now=at(2020, 7, 9)) == [
        ObjectionResolved(application_id=story.id, number=1, upheld=False, finding="经核实署名无误")]
    story.do(c.CompletePublicNotice(story.who.unit, story.id, "异议不成立"), now=at(2020, 7, 13))
    assert story.case.stage == Stage.AT_CONSTRUCTION_AUTHORITY


def test_objections_are_resolved_one_by_one_in_the_order_they_were_recorded():
    story = _noticed_with_objection(Story())
    story.do(c.RecordObjection(story.who.unit, story.id, "年度考核有疑问"), now=at(2020, 7, 8))
    story.do(c.ResolveObjection(story.who.unit, story.id, False, "署名无误"), now=at(2020, 7, 9))
    with pytest.raises(Conflict) as refused:
        story.decide(c.CompletePublicNotice(story.who.unit, story.id, "无异议"), now=at(2020, 7, 13))
    assert refused.value.details == {"unresolved": 1}
    [second] = story.do(c.ResolveObjection(story.who.unit, story.id, False, "考核无误"), now=at(2020, 7, 13))
    assert second.number == 2
    with pytest.raises(Conflict) as refused:
        story.decide(c.ResolveObjection(story.who.unit, story.id, False, "再核"), now=at(2020, 7, 13))
    assert refused.value.code == "NO_OBJECTION"


def test_an_upheld_objection_ends_the_case_at_the_unit_which_does_not_recommend_it():
    story = _noticed_with_objection(Story())
    events = story.do(c.ResolveObjection(story.who.unit, story.id, True, "代表性业绩非本人主持"), now=at(2020, 7, 9))
    assert events == [ObjectionResolved(application_id=story.id, number=1, upheld=True, finding="代表性业绩非本人主持"),
                      CaseClosed(application_id=story.id, final_status="rejected", level=ReviewLevel.UNIT)]
    assert story.case.stage == Stage.CLOSED_REJECTED


def test_an_objection_before_the_notice_starts_or_without_a_finding_is_refused():
    story = Story().unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    with pytest.raises(Conflict) as refused:
        story.decide(c.RecordObjection(story.who.unit, story.id, "异议"), now=at(2020, 7, 3))
    assert refused.value.code == "NOTICE_NOT_STARTED"
    story.do(c.RecordObjection(story.who.unit, story.id, "异议"), now=at(2020, 7, 6))
    with pytest.raises(InvalidInput):
        story.decide(c.ResolveObjection(story.who.unit, story.id, True, " "), now=at(2020, 7, 7))
