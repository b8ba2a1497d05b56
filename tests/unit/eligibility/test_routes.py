from datetime import date

from contracts.application import Route
from services.eligibility.domain.rules import ROUTE_RULES
from tests.fixtures.builders import (PLAN, change, change_in, landmark_applicant, normal_applicant,
                                     skill_talent_applicant, transfer_applicant)


def check(route, app):
    return ROUTE_RULES[route].check(app, PLAN)


def appointed(on, app=None):
    return change_in(app or normal_applicant(), "qualifications", senior_qualified_on=on,
                     senior_appointed_on=on)


def test_appointed_exactly_five_full_years_before_cutoff_qualifies_for_the_normal_route():
    result = check(Route.NORMAL, appointed(date(2015, 12, 31)))
    assert result.passed and result.inputs["full_years"] == 5


def test_appointed_one_day_short_of_five_full_years_does_not_qualify_for_the_normal_route():
    result = check(Route.NORMAL, appointed(date(2016, 1, 1)))
    assert not result.passed
    assert "4年，不满5年" in result.message_zh and "below 5" in result.message_en


def test_normal_route_counts_from_the_qualification_when_appointed_before_it():
    app = change_in(normal_applicant(), "qualifications", senior_qualified_on=date(2016, 3, 1),
                    senior_appointed_on=date(2015, 1, 1))
    assert not check(Route.NORMAL, app).passed


def test_normal_route_needs_an_appointment_as_senior_engineer():
    app = change(normal_applicant(), qualifications={"senior_qualified_on": "2010-01-01"})
    assert not check(Route.NORMAL, app).passed


def test_transfer_with_exactly_one_year_as_senior_engineer_qualifies():
    app = change_in(transfer_applicant(), "qualifications", senior_appointed_on=date(2019, 12, 31))
    app = change(app, transfer={**app.transfer.model_dump(mode="json"), "transferred_on": "2019-12-31"})
    assert check(Route.TRANSFER, app).passed


def test_transfer_with_less_than_one_year_as_senior_engineer_does_not_qualify():
    app = change_in(transfer_applicant(), "qualifications", senior_appointed_on=date(2020, 1, 1))
    result = check(Route.TRANSFER, app)
    assert not result.passed and result.inputs["senior_full_years"] == 0


def test_transfer_with_exactly_five_combined_years_qualifies_and_one_day_less_does_not():
    base = transfer_applicant()
    for since, ok in (("2015-12-31", True), ("2016-01-01", False)):
        app = change(base, transfer={**base.transfer.model_dump(mode="json"),
                                     "other_senior_title_since": since})
        assert check(Route.TRANSFER, app).passed is ok


def test_a_gap_before_the_senior_appointment_does_not_count_as_combined_years():
    base = transfer_applicant()  # 副教授 2014-09-01, transferred 2018-07-01
    app = change_in(base, "qualifications", senior_appointed_on=date(2019, 7, 1))
    result = check(Route.TRANSFER, app)
    assert result.inputs["combined_full_years"] == 5


def test_transfer_route_needs_the_other_senior_title():
    assert not check(Route.TRANSFER, normal_applicant()).passed


def test_one_landmark_after_senior_appointment_qualifies():
    assert check(Route.LANDMARK, landmark_applicant()).passed


def test_a_landmark_before_the_senior_appointment_does_not_count_after_it():
    app = change_in(landmark_applicant(), "qualifications", engineer_appointed_on=None,
                    senior_appointed_on=date(2019, 5, 21))
    result = check(Route.LANDMARK, app)
    assert not result.passed and result.inputs["after_senior_appointment"] == 0


def landmarks(*days):
    return [{"title": f"标志性业绩{i}", "obtained_on": d} for i, d in enumerate(days)]


def test_two_landmarks_after_engineer_appointment_qualify_and_one_does_not():
    app = change_in(landmark_applicant(), "qualifications", senior_appointed_on=None,
                    senior_qualified_on=None)
    two = change(app, landmark_achievements=landmarks("2012-01-01", "2016-05-01"))
    one = change(app, landmark_achievements=landmarks("2016-05-01"))
    assert check(Route.LANDMARK, two).passed
    assert not check(Route.LANDMARK, one).passed


def test_a_landmark_dated_after_the_cutoff_does_not_count():
    app = change(landmark_applicant(), landmark_achievements=landmarks("2021-01-01"))
    assert not check(Route.LANDMARK, app).passed


def test_a_skill_award_qualifies_for_the_skill_talent_route():
    assert check(Route.SKILL_TALENT, skill_talent_applicant()).passed


def test_a_skill_award_after_the_cutoff_does_not_qualify():
    app = change(skill_talent_applicant(), skill_talent={"award": "worldskills_gold",
                                                         "awarded_on": "2021-01-15"})
    assert not check(Route.SKILL_TALENT, app).passed
