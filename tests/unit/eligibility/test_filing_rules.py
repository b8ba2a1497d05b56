from tests.fixtures.builders import PUBLIC_UNIT_CODE, UNIT_CODE, change, change_in, normal_applicant

from .helpers import failures, rule


def test_an_unsigned_pledge_fails():
    assert failures(change(normal_applicant(), pledge_signed_at=None)) == ["PLEDGE_SIGNED"]


def test_a_specialty_outside_the_plan_fails():
    result = rule(change(normal_applicant(), specialty="机械设计"), "SPECIALTY_REVIEWABLE")
    assert not result.passed and "机械设计" in result.message_zh


def test_an_achievement_not_approved_by_the_unit_fails():
    app = normal_applicant()
    achievements = [a.model_dump(mode="json") for a in app.achievements]
    achievements[1]["approved_by_unit"] = False
    result = rule(change(app, achievements=achievements), "ACHIEVEMENTS_APPROVED")
    assert not result.passed and result.inputs["not_approved"] == ["ach-002"]


def split(si_unit, file_unit=PUBLIC_UNIT_CODE, **extra):
    return change(normal_applicant(), affiliation={
        "personnel_file_unit_credit_code": file_unit, "labour_contract_unit_credit_code": file_unit,
        "social_insurance_unit_credit_code": si_unit, **extra})


def test_a_split_relation_files_through_the_unit_paying_social_insurance():
    assert rule(split(UNIT_CODE), "AFFILIATION").passed


def test_a_split_relation_filed_through_another_unit_fails():
    result = rule(split(PUBLIC_UNIT_CODE, file_unit=UNIT_CODE), "AFFILIATION")
    assert not result.passed and "社会保险缴纳单位" in result.message_zh


def test_filing_through_a_unit_that_holds_nothing_fails():
    result = rule(split(PUBLIC_UNIT_CODE, file_unit=PUBLIC_UNIT_CODE), "AFFILIATION")
    assert not result.passed and result.inputs["split"] is False


def test_entrusted_review_staff_may_file_here():
    app = split(PUBLIC_UNIT_CODE, file_unit=PUBLIC_UNIT_CODE, entrusted_review=True)
    assert rule(app, "AFFILIATION").passed


def test_without_affiliation_the_social_insurance_unit_decides():
    assert rule(change(normal_applicant(), affiliation=None), "AFFILIATION").passed


def test_an_out_of_province_certificate_needs_confirmation():
    app = change_in(normal_applicant(), "qualifications", senior_certificate_province="江苏省")
    assert failures(app) == ["OUT_OF_PROVINCE_CERTIFICATE"]
    confirmed = change_in(app, "qualifications", out_of_province_certificate_confirmed=True)
    assert failures(confirmed) == []


def test_a_home_province_certificate_written_with_the_suffix_needs_nothing():
    app = change_in(normal_applicant(), "qualifications", senior_certificate_province="浙江省")
    assert rule(app, "OUT_OF_PROVINCE_CERTIFICATE").passed
