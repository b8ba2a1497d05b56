from datetime import date

import pytest

from contracts.errors import Conflict, InvalidInput
from contracts.events import ObjectionRecorded, PublicNoticeCompleted, PublicNoticeStarted
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
    assert story.do(c.RecordObjection(story.who.unit, story.id, "业绩署名有疑问")) == [
        ObjectionRecorded(application_id=story.id, summary="业绩署名有疑问")]
    events = story.do(c.CompletePublicNotice(story.who.unit, story.id, "异议经核实不成立"), now=at(2020, 7, 10))
    assert events == [PublicNoticeCompleted(application_id=story.id, objections=1, result="异议经核实不成立")]
    assert story.case.stage == Stage.AT_CONSTRUCTION_AUTHORITY


def test_an_objection_without_content_is_refused():
    story = Story().unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    with pytest.raises(InvalidInput):
        story.decide(c.RecordObjection(story.who.unit, story.id, ""))


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
    # 2020-07-09 16:30 UTC is already 07-10 00:30 in Shanghai, the notice's last day
    from datetime import datetime, timezone
    assert story.decide(c.CompletePublicNotice(story.who.unit, story.id, "无异议"),
                        now=datetime(2020, 7, 9, 16, 30, tzinfo=timezone.utc))


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
