"""Fields the notice fixes, at intake's door: 申报类别, 专业工作年限 against the dates the application
gives (both named), at least one and at most the plan's number of cited achievements."""
from datetime import date

from hypothesis import given, strategies as st

from services.intake.domain.fields import field_problems, full_years
from tests.fixtures.builders import PLAN, change, change_in, normal_applicant

TODAY = date(2020, 8, 10)


def codes(app, today=TODAY):
    return [p.code for p in field_problems(app, PLAN, today)]


def test_the_application_type_is_always_construction_engineering_technical_staff():
    assert codes(normal_applicant()) == []
    [problem] = field_problems(change(normal_applicant(), category="工程技术人员"), PLAN, TODAY)
    assert problem.code == "CATEGORY_INVALID" and "建设工程技术人员" in problem.message_zh


def test_professional_years_fewer_than_the_full_years_since_the_earliest_appointment_are_refused_with_both_dates():
    app = change(change_in(normal_applicant(), "qualifications", engineer_appointed_on="2005-01-01"),
                 professional_years=10, appointment_letters=[])
    [problem] = field_problems(app, PLAN, TODAY)
    assert problem.code == "PROFESSIONAL_YEARS_CONTRADICTED" and problem.field == "professional_years"
    assert "2005-01-01" in problem.message_zh and "2010-08-10" in problem.message_zh  # the date given, the date implied
    assert "15" in problem.message_zh


@given(start=st.dates(date(1970, 1, 1), date(2020, 8, 10)), given_years=st.integers(0, 60))
def test_professional_years_are_accepted_exactly_when_they_cover_the_earliest_date(start, given_years):
    app = change(change_in(normal_applicant(), "qualifications", engineer_appointed_on=start.isoformat(),
                           senior_qualified_on=None, senior_appointed_on=None),
                 professional_years=given_years, appointment_letters=[])
    contradicted = "PROFESSIONAL_YEARS_CONTRADICTED" in codes(app)
    assert contradicted == (given_years < full_years(start, TODAY))


def test_the_boundary_of_full_years_is_the_anniversary():
    assert full_years(date(2015, 12, 31), date(2020, 12, 31)) == 5
    assert full_years(date(2016, 1, 1), date(2020, 12, 31)) == 4


def test_at_least_one_and_at_most_the_plans_number_of_achievements_are_cited():
    app = normal_applicant()
    assert "ACHIEVEMENTS_REQUIRED" in codes(change(app, achievements=[]))
    one = app.model_dump(mode="json")["achievements"][0]
    many = [{**one, "entry_id": f"e-{i}"} for i in range(PLAN.max_cited_achievements + 1)]
    [problem] = field_problems(change(app, achievements=many), PLAN, TODAY)
    assert problem.code == "ACHIEVEMENTS_TOO_MANY" and str(PLAN.max_cited_achievements) in problem.message_zh
    assert codes(change(app, achievements=many[:-1])) == []
    assert PLAN.unconfirmed("max_cited_achievements")  # the notice gives no number: operator data
