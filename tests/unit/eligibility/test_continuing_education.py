import pytest

from tests.fixtures.builders import change, normal_applicant

from .helpers import failures, rule


def with_2019(professional=66, general=18, industry=12, app=None):
    app = app or normal_applicant()
    records = [r.model_dump() for r in app.continuing_education if r.year != 2019]
    records.append({"year": 2019, "professional_hours": professional,
                    "general_public_hours": general, "industry_public_hours": industry})
    return change(app, continuing_education=records)


def test_industry_public_hours_below_twelve_fail_with_a_bilingual_reason():
    result = rule(with_2019(industry=10, professional=70), "CE_HOURS")
    assert not result.passed
    assert result.message_zh == "2019年度继续教育行业公需科目10学时，少于12学时"
    assert result.message_en == "2019 industry public hours: 10, below 12"


@pytest.mark.parametrize("hours, ok", [
    ({"professional": 60, "general": 18, "industry": 12}, True),   # exactly 90 and each minimum
    ({"professional": 59, "general": 19, "industry": 12}, False),  # 59 professional
    ({"professional": 61, "general": 17, "industry": 12}, False),  # 17 general public
    ({"professional": 61, "general": 18, "industry": 11}, False),  # 11 industry public
    ({"professional": 60, "general": 18, "industry": 11}, False),  # 89 in total
])
def test_hours_are_checked_at_each_minimum(hours, ok):
    assert rule(with_2019(**hours), "CE_HOURS").passed is ok


def test_eighty_nine_hours_fail_on_the_total_and_ninety_pass():
    result = rule(with_2019(professional=59, general=18, industry=12), "CE_HOURS")
    assert "2019年度继续教育总学时89学时，少于90学时" in result.message_zh
    assert rule(with_2019(professional=60), "CE_HOURS").passed


def test_hours_of_two_records_for_one_year_are_added_up():
    app = normal_applicant()
    records = [r.model_dump() for r in app.continuing_education if r.year != 2018]
    records += [{"year": 2018, "professional_hours": 40, "general_public_hours": 18,
                 "industry_public_hours": 12},
                {"year": 2018, "professional_hours": 20, "general_public_hours": 0,
                 "industry_public_hours": 0}]
    assert rule(change(app, continuing_education=records), "CE_HOURS").passed


def test_a_missing_record_year_fails_the_records_rule():
    app = normal_applicant()
    app = change(app, continuing_education=[r.model_dump() for r in app.continuing_education
                                            if r.year != 2016])
    result = rule(app, "CE_RECORDS")
    assert not result.passed and result.inputs["missing"] == [2016]
    assert failures(app) == ["CE_RECORDS"]


def test_a_missing_certificate_year_counts_as_zero_hours():
    app = normal_applicant()
    app = change(app, continuing_education=[r.model_dump() for r in app.continuing_education
                                            if r.year != 2019])
    assert failures(app) == ["CE_HOURS", "CE_RECORDS"]


def test_a_missing_hours_certificate_fails():
    app = normal_applicant()
    app = change(app, attachments=[a.model_dump() for a in app.attachments if a.year != 2018])
    result = rule(app, "CE_CERTIFICATES")
    assert not result.passed and "2018" in result.message_zh
