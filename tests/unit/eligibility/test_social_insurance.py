from tests.fixtures.builders import attachment, change, normal_applicant, with_attachments

from .helpers import failures, rule

# The baseline is filed on 2020-08-10 (Asia/Shanghai).


def insured_since(day, **extra):
    app = normal_applicant()
    return change(app, social_insurance={**app.social_insurance.model_dump(mode="json"),
                                         "in_city_since": day, **extra})


def test_exactly_one_full_year_in_the_city_on_the_filing_day_passes():
    assert rule(insured_since("2019-08-10"), "SOCIAL_INSURANCE").passed


def test_one_day_short_of_a_full_year_fails():
    result = rule(insured_since("2019-08-11"), "SOCIAL_INSURANCE")
    assert not result.passed and result.inputs["full_years"] == 0


def test_the_filing_day_is_taken_in_the_plans_time_zone():
    # 2020-08-09T17:00Z is already 2020-08-10 in Shaoxing.
    app = change(insured_since("2019-08-10"), submitted_at="2020-08-09T17:00:00Z")
    assert rule(app, "SOCIAL_INSURANCE").passed


def test_inactive_insurance_fails():
    result = rule(insured_since("2003-07-01", active=False), "SOCIAL_INSURANCE")
    assert not result.passed and "当前未处于正常参保缴费状态" in result.message_zh


def test_no_social_insurance_record_fails():
    assert "SOCIAL_INSURANCE" in failures(change(normal_applicant(), social_insurance=None))


def test_out_of_province_insurance_needs_proof():
    app = insured_since("2003-07-01", out_of_province_in_last_3_years=True)
    assert failures(app) == ["SI_OUT_OF_PROVINCE_PROOF"]
    assert failures(with_attachments(app, attachment("out_of_province_si_proof"))) == []
