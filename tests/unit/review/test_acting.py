"""Review's events say who must act next: CaseOpened names the unit-level organisation, and every
decision that hands the case on is followed by CaseMovedTo (to nobody when it leaves review)."""
from contracts.application import UnitKind
from contracts.events import Acting, CaseMovedTo, ReviewLevel
from services.review.domain import commands as c
from services.review.domain.acting import acting, with_next_actor
from tests.unit.review.builders import PLAN, SECTIONS, Story, summary


def moves(story: Story, command: c.Command) -> list:
    decided = with_next_actor(story.case, story.decide(command), PLAN)
    return [e for e in decided if isinstance(e, CaseMovedTo)]


def test_an_opened_case_says_its_unit_acts_first_or_the_talent_centre_filing_for_a_private_firm():
    assert Story().events[0].acting == Acting(level=ReviewLevel.UNIT, org_id="unit-yc-1")
    private = summary(area="keqiao", kind=UnitKind.PRIVATE_ENTERPRISE).model_copy(
        update={"personnel_files_at_talent_center": True})
    assert Story(private).events[0].acting.org_id == "keqiao-talent-center"


def test_the_case_moves_up_the_chain_of_its_area_level_by_level():
    story = Story(summary(area="keqiao")).notice_completed()
    assert acting(story.case, PLAN) == Acting(level=ReviewLevel.CONSTRUCTION_AUTHORITY, org_id="kq-construction")
    story = Story(summary(area="keqiao")).unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, story.now.date().replace(month=7, day=6)))
    story.now = story.now.replace(day=13, hour=9)
    [moved] = moves(story, c.CompletePublicNotice(story.who.unit, story.id, "公示期满无异议"))
    assert moved.acting == Acting(level=ReviewLevel.CONSTRUCTION_AUTHORITY, org_id="kq-construction")
    story = Story(summary(area="keqiao")).ca_passed()
    assert acting(story.case, PLAN) == Acting(level=ReviewLevel.HR_BUREAU, org_id="kq-hr")
    story = Story(summary(area="keqiao")).hr_passed()
    [moved] = moves(story, c.RecommendToCity(story.who.hr, story.id, "审核推荐"))
    assert moved.acting == Acting(level=ReviewLevel.CITY_HR_BUREAU, org_id="sx-city-hr")


def test_a_decision_that_keeps_the_case_where_it_is_says_nothing_more():
    story = Story()
    assert moves(story, c.UnitPass(story.who.unit, story.id, "同意推荐")) == []


def test_a_returned_or_forwarded_case_is_moved_to_nobody():
    story = Story()
    [moved] = moves(story, c.ReturnForRevision(story.who.unit, story.id, "补材料", SECTIONS))
    assert moved.acting is None
    story = Story().at_city()
    story.now = story.now.replace(month=9, day=25)
    [moved] = moves(story, c.ForwardToCommittee(story.who.city, story.id, "sx-2020-1"))
    assert moved.acting is None
