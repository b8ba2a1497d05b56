import pytest

from tests.fixtures.builders import change, normal_applicant

from .helpers import rule


def with_assessments(*pairs):
    return change(normal_applicant(), assessments=[{"year": y, "result": r} for y, r in pairs])


GOOD_YEARS = [(2016, "合格"), (2017, "称职"), (2018, "良好"), (2019, "优秀")]


def test_four_years_of_pass_or_better_pass():
    assert rule(with_assessments(*GOOD_YEARS), "ANNUAL_ASSESSMENTS").passed


@pytest.mark.parametrize("result", ["基本合格", "基本称职", "不合格", "不称职"])
def test_a_year_below_pass_fails(result):
    outcome = rule(with_assessments(*GOOD_YEARS[:3], (2019, result)), "ANNUAL_ASSESSMENTS")
    assert not outcome.passed and f"2019年度考核为{result}" in outcome.message_zh


def test_a_missing_year_fails():
    outcome = rule(with_assessments(*GOOD_YEARS[1:]), "ANNUAL_ASSESSMENTS")
    assert not outcome.passed and outcome.message_en == "2016 annual assessment missing"


def test_a_failing_result_outside_the_plan_years_is_ignored():
    assert rule(with_assessments(*GOOD_YEARS, (2015, "不合格")), "ANNUAL_ASSESSMENTS").passed


def test_two_results_for_one_year_fail_when_either_fails():
    outcome = rule(with_assessments(*GOOD_YEARS, (2018, "基本合格")), "ANNUAL_ASSESSMENTS")
    assert not outcome.passed
