from datetime import date

from contracts.application import Route
from contracts.events import Outcome
from services.eligibility.domain import assess
from tests.fixtures.builders import (PLAN, attachment, change, change_in, landmark_applicant, normal_applicant,
                                     skill_talent_applicant, transfer_applicant, with_attachments)


def test_normal_route_applicant_is_eligible_without_interview():
    result = assess(normal_applicant(), PLAN)
    assert result.outcome == Outcome.ELIGIBLE and result.qualifying_routes == [Route.NORMAL]


def test_transfer_and_landmark_applicants_need_an_interview():
    for app in (transfer_applicant(), landmark_applicant()):
        assert assess(app, PLAN).outcome == Outcome.ELIGIBLE_INTERVIEW_REQUIRED


def test_skill_talent_applicant_is_eligible_without_interview():
    assert assess(skill_talent_applicant(), PLAN).outcome == Outcome.ELIGIBLE


def test_every_route_is_reported_with_its_reason():
    routes = assess(normal_applicant(), PLAN).routes
    assert [r.route for r in routes] == list(Route)
    assert all(r.message_zh and r.message_en for r in routes)


def test_declared_landmark_that_also_meets_normal_keeps_its_route_and_interview():
    app = change(normal_applicant(), route="landmark", landmark_achievements=[
        {"title": "国家优质工程奖", "obtained_on": "2019-11-01"}])
    result = assess(with_attachments(app, attachment("landmark_evidence")), PLAN)
    assert result.outcome == Outcome.ELIGIBLE_INTERVIEW_REQUIRED
    assert result.qualifying_routes == [Route.LANDMARK, Route.NORMAL]


def test_declared_transfer_that_fails_but_meets_normal_is_eligible_without_interview():
    app = change(normal_applicant(), route="transfer")
    result = assess(app, PLAN)
    assert result.outcome == Outcome.ELIGIBLE
    assert result.qualifying_routes == [Route.NORMAL]
    line = result.rules[0]
    assert line.code == "ROUTE_NORMAL" and "申报类别“转评”不符合条件" in line.message_zh


def test_declared_normal_that_only_meets_landmark_needs_the_interview():
    app = change(landmark_applicant(), route="normal")
    result = assess(app, PLAN)
    assert result.outcome == Outcome.ELIGIBLE_INTERVIEW_REQUIRED
    assert result.qualifying_routes == [Route.LANDMARK]


def test_no_qualifying_route_fails_on_the_declared_route_code():
    app = change_in(normal_applicant(), "qualifications", senior_qualified_on=date(2016, 1, 1),
                    senior_appointed_on=date(2016, 1, 1))
    result = assess(app, PLAN)
    assert result.outcome == Outcome.INELIGIBLE and result.qualifying_routes == []
    assert result.rules[0].code == "ROUTE_NORMAL" and not result.rules[0].passed


def test_a_landmark_route_without_its_evidence_does_not_qualify_and_the_normal_route_is_used_without_interview():
    app = change(normal_applicant(), route="landmark", landmark_achievements=[
        {"title": "国家优质工程奖", "obtained_on": "2019-11-01"}])
    result = assess(app, PLAN)
    assert result.route_used == Route.NORMAL and result.outcome == Outcome.ELIGIBLE
    landmark = next(r for r in result.routes if r.route == Route.LANDMARK)
    assert not landmark.qualifies and "未上传标志性业绩佐证材料" in landmark.message_zh


def test_a_skill_talent_filing_as_normal_is_listed_as_skill_talent():
    app = with_attachments(change(normal_applicant(), skill_talent={"award": "china_skills_award",
                                                                     "awarded_on": "2018-12-10"}),
                           attachment("skill_evidence"))
    result = assess(app, PLAN)
    assert app.route == Route.NORMAL and result.route_used == Route.SKILL_TALENT
    assert result.outcome == Outcome.ELIGIBLE
    without_evidence = assess(change(app, attachments=[a for a in app.model_dump(mode="json")["attachments"]
                                                       if a["kind"] != "skill_evidence"]), PLAN)
    assert without_evidence.route_used == Route.NORMAL
