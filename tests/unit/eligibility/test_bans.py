import pytest

from services.eligibility.domain.rules import fraud_ban_years
from tests.fixtures.builders import PLAN, change, normal_applicant

from .helpers import failures, rule


def with_paper(journal):
    return change(normal_applicant(), papers=[
        {"title": "绿色建筑技术应用研究", "journal": journal, "published_on": "2019-03-01"}])


@pytest.mark.parametrize("journal", ["建筑学研究前沿（中文版）", "《建筑学研究前沿(中文版)》",
                                     "建筑学研究前沿", " 建筑学研究前沿 （中文版） "])
def test_a_paper_in_the_blacklisted_journal_is_fraud_however_it_is_typed(journal):
    result = rule(with_paper(journal), "FRAUD_BAN")
    assert not result.passed
    assert result.inputs["barred_years"] == [2021, 2022, 2023]
    assert "2021年起3年内不得申报" in result.message_zh


def test_a_paper_in_a_regular_journal_is_not_fraud():
    assert rule(with_paper("建筑结构学报"), "FRAUD_BAN").passed


def test_the_fraud_ban_starts_the_year_after_and_lasts_the_plan_years():
    assert fraud_ban_years(2017, PLAN) == [2018, 2019, 2020]
    assert 2021 not in fraud_ban_years(2017, PLAN)


def revoked(day):
    return change(normal_applicant(), certificate_lending_revoked_on=day)


def test_lending_ban_ends_exactly_three_years_after_revocation():
    assert rule(revoked("2017-08-10"), "LENDING_BAN").passed  # filed 2020-08-10


def test_lending_ban_still_applies_one_day_before_three_years():
    result = rule(revoked("2017-08-11"), "LENDING_BAN")
    assert not result.passed and result.inputs["full_years_since"] == 2


def test_no_revocation_means_no_lending_ban():
    assert rule(normal_applicant(), "LENDING_BAN").passed


def refiled(achievement_dates, passed=False):
    app = normal_applicant()
    return change(app, previous_reviews=[{"year": 2019, "passed": passed}], achievements=[
        {"entry_id": f"ach-{i}", "title": "项目", "achieved_on": d, "approved_by_unit": True}
        for i, d in enumerate(achievement_dates)])


def test_failed_last_year_with_an_achievement_this_year_may_file_again():
    assert rule(refiled(["2019-05-01", "2020-01-01"]), "NO_CONSECUTIVE_REFILING").passed


def test_failed_last_year_without_an_achievement_this_year_may_not_file():
    assert failures(refiled(["2019-05-01", "2019-12-31"])) == ["NO_CONSECUTIVE_REFILING"]


def test_a_landmark_achievement_this_year_counts_as_new_work():
    app = change(refiled(["2019-05-01"]), landmark_achievements=[
        {"title": "省级工法", "obtained_on": "2020-02-01"}])
    assert rule(app, "NO_CONSECUTIVE_REFILING").passed


def test_passing_last_year_is_no_reason_to_stop():
    assert rule(refiled(["2019-05-01"], passed=True), "NO_CONSECUTIVE_REFILING").passed
