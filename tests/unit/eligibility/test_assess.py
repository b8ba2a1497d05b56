import pytest

from contracts.errors import InvalidInput
from contracts.events import EligibilityAssessed
from services.eligibility.domain import RULES, assess
from services.eligibility.domain.rules import COMMON_RULES, ROUTE_RULES
from tests.fixtures.builders import PLAN, change, normal_applicant


def test_the_assessment_carries_plan_version_revision_and_a_pseudonymous_summary():
    app = change(normal_applicant(), revision=3)
    result = assess(app, PLAN)
    assert (result.plan_id, result.plan_version, result.revision) == (PLAN.plan_id, "2020.1", 3)
    assert result.summary.person_ref == app.applicant.person_ref and result.summary.unit_area == "city"
    dumped = result.model_dump_json()
    assert "王建国" not in dumped and "********" not in dumped and "birth" not in dumped


def test_one_result_per_common_rule_plus_the_route_line():
    codes = [r.code for r in assess(normal_applicant(), PLAN).rules]
    assert codes[1:] == [r.code for r in COMMON_RULES] and codes[0] in RULES


def test_every_rule_has_an_upper_snake_code_and_a_description():
    assert len(RULES) == len(COMMON_RULES) + len(ROUTE_RULES)
    for code, description in RULES.items():
        assert code.isupper() and " " not in code and description


def test_every_message_is_given_in_chinese_and_english():
    for r in assess(normal_applicant(), PLAN).rules:
        assert r.message_zh and r.message_en and r.threshold


def test_the_assessment_survives_a_json_round_trip():
    result = assess(normal_applicant(), PLAN)
    assert EligibilityAssessed.model_validate_json(result.model_dump_json()) == result


def test_an_application_for_another_plan_is_refused():
    with pytest.raises(InvalidInput) as refused:
        assess(change(normal_applicant(), plan_id="zj-hz-2020-zgj"), PLAN)
    assert refused.value.code == "PLAN_MISMATCH"


def test_thresholds_come_from_the_plan_not_the_code():
    stricter = PLAN.model_copy(update={"normal_route_min_years": 8})
    assert assess(normal_applicant(), stricter).outcome == "ineligible"
