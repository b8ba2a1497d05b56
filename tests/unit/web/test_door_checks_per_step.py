"""Where the filing form shows a door problem intake names: on the step whose answers it is about,
described by the control it concerns. Presentation only: the problems and their words are intake's."""
from __future__ import annotations

from contracts.plan import load_plan
from web import filing

PLAN = load_plan("shaoxing-2020")


def _problem(field: str, code: str = "X") -> dict:
    return {"field": field, "code": code, "message_zh": "问题", "message_en": "problem"}


def test_each_problem_is_shown_on_the_step_where_its_field_is_typed():
    where = {"applicant.id_number": 1, "unit.credit_code": 2, "unit.unit_id": 2, "qualifications.senior_qualified_on": 3,
             "continuing_education.0.professional_hours": 3, "assessments.2.result": 3, "achievements": 4,
             "achievements[1].entry_id": 4, "photo": 5, "attachments.ce_certificate.2019": 5,
             "attachments.appointment_letter": 5, "self_statement": 6, "pledge_signed_at": 6, "": 6}
    for field, step in where.items():
        assert filing.step_of(_problem(field)) == step, field


def test_the_professional_years_contradiction_is_shown_where_the_dates_are_typed():
    assert filing.step_of(_problem("professional_years", "PROFESSIONAL_YEARS_CONTRADICTED")) == 3
    assert filing.step_of(_problem("professional_years", "SCHEMA_INT_TYPE")) == 2


def test_a_steps_checks_name_the_control_they_describe_and_leave_the_other_steps_out():
    ce_year = PLAN.continuing_education.record_years[1]
    problems = [_problem("applicant.id_number", "ID_NUMBER_CHECKSUM"), _problem("photo", "PHOTO_MISSING"),
                _problem("continuing_education.1.general_public_hours"), _problem(f"assessments.{len(PLAN.assessment_years)}.result")]
    assert [(c["id"], c["code"], c["control"]) for c in filing.checks_of_step(PLAN, problems, 1)] == \
        [("check-1", "ID_NUMBER_CHECKSUM", "id_number")]
    third = filing.checks_of_step(PLAN, problems, 3)
    assert [c["control"] for c in third] == [f"ce_{ce_year}_general", None]  # a year the form has no control for
    assert filing.checks_of_step(PLAN, problems, 4) == []


def test_eligibilitys_failed_rules_are_shown_on_the_step_they_judge_and_the_passed_or_unplaced_ones_not():
    preview = {"complete": True, "rules": [
        {"code": "CE_HOURS", "passed": False, "message_zh": "2019年度继续教育专业科目50学时，少于60学时", "message_en": "below"},
        {"code": "ANNUAL_ASSESSMENTS", "passed": True, "message_zh": "符合", "message_en": "ok"},
        {"code": "CE_CERTIFICATES", "passed": False, "message_zh": "缺证明", "message_en": "missing"}]}
    problems = filing.rule_problems(preview)
    assert [(p["code"], filing.step_of(p), p["source"]) for p in problems] == [("CE_HOURS", 3, "eligibility")]
