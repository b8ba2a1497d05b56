"""Properties of the whole assessment, over applications near every threshold."""
from datetime import date

from hypothesis import HealthCheck, given, settings, strategies as st

from contracts.application import AssessmentResult
from contracts.events import Outcome
from services.eligibility.domain import assess, failing_codes
from tests.fixtures.builders import (PLAN, change, change_in, landmark_applicant, normal_applicant,
                                     public_institution_applicant, skill_talent_applicant,
                                     transfer_applicant)

BASES = [normal_applicant(), transfer_applicant(), landmark_applicant(), skill_talent_applicant(),
         public_institution_applicant()]
LIST_FIELDS = ["assessments", "continuing_education", "attachments", "appointment_letters",
               "achievements", "papers", "landmark_achievements", "previous_reviews"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def applications(draw):
    """A builder's application with assessments, hours and appointment dates drawn near limits."""
    app = draw(st.sampled_from(BASES))
    results = st.sampled_from(list(AssessmentResult))
    assessments = [{"year": y, "result": draw(results)} for y in PLAN.assessment_years]
    ce = [{"year": y, "professional_hours": draw(st.integers(55, 70)),
           "general_public_hours": draw(st.integers(15, 20)),
           "industry_public_hours": draw(st.integers(10, 14))}
          for y in PLAN.continuing_education.record_years]
    app = change(app, assessments=assessments, continuing_education=ce)
    if draw(st.booleans()) and app.qualifications.senior_appointed_on:
        day = draw(st.dates(date(2014, 6, 1), date(2017, 6, 1)))
        app = change_in(app, "qualifications", senior_qualified_on=day, senior_appointed_on=day)
    return app


def verdict(app):
    result = assess(app, PLAN)
    return result.outcome, failing_codes(result), sorted(result.qualifying_routes)


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@SETTINGS
@given(base=st.sampled_from(BASES), phone=mobiles, statement=st.text(max_size=200),
       professional_years=st.integers(0, 45), revision=st.integers(1, 9),
       journal=st.sampled_from(["建筑结构学报", "土木工程学报", "施工技术", "给水排水"]))
def test_a_passing_application_stays_passing_when_a_non_required_field_changes(
        base, phone, statement, professional_years, revision, journal):
    before = assess(base, PLAN).outcome
    app = change(base, self_statement=statement, professional_years=professional_years,
                 revision=revision, papers=[{"title": "论文", "journal": journal,
                                             "published_on": "2019-01-01"}])
    app = change_in(app, "applicant", phone=phone)
    assert before != Outcome.INELIGIBLE
    assert assess(app, PLAN).outcome == before


@SETTINGS
@given(app=applications(), year=st.integers(2010, 2020),
       result=st.sampled_from(["基本合格", "基本称职", "不合格", "不称职"]))
def test_adding_a_failing_assessment_year_never_makes_an_application_eligible(app, year, result):
    before = assess(app, PLAN).outcome
    worse = change(app, assessments=[*app.model_dump(mode="json")["assessments"],
                                     {"year": year, "result": result}])
    after = assess(worse, PLAN).outcome
    if before == Outcome.INELIGIBLE or year in PLAN.assessment_years:
        assert after == Outcome.INELIGIBLE
    else:
        assert after == before


@SETTINGS
@given(app=applications(), data=st.data())
def test_the_outcome_never_depends_on_the_order_of_lists(app, data):
    dumped = app.model_dump(mode="json")
    shuffled = {f: data.draw(st.permutations(dumped[f])) for f in LIST_FIELDS}
    assert verdict(change(app, **shuffled)) == verdict(app)
