from datetime import date

import pytest

from contracts.errors import InvalidInput
from services.intake.domain.validation import application_problems, validate_filing
from tests.fixtures.builders import (ID_NUMBER, PLAN, attachment, change, landmark_applicant,
                                     normal_applicant, public_institution_applicant,
                                     skill_talent_applicant, transfer_applicant, with_attachments)
from tests.fixtures.photos import photo_bytes

TODAY = date(2020, 8, 10)
PHOTO = photo_bytes()


def problems(app, **kw):
    args = {"id_number": ID_NUMBER, "photo": PHOTO, "today": TODAY} | kw
    return [(p.field, p.code) for p in application_problems(app, PLAN, **args)]


def without(app, kind, year=None):
    return change(app, attachments=[a.model_dump() for a in app.attachments
                                    if not (a.kind == kind and (year is None or a.year == year))])


@pytest.mark.parametrize("build", [normal_applicant, transfer_applicant, landmark_applicant,
                                   skill_talent_applicant, public_institution_applicant])
def test_every_builder_application_passes_the_door(build):
    validate_filing(build(), PLAN, id_number=ID_NUMBER, photo=PHOTO, today=TODAY)


def test_all_problems_are_reported_at_once_with_field_details():
    app = change(without(normal_applicant(), "ce_certificate", 2019), pledge_signed_at=None,
                 self_statement="述" * 1001)
    with pytest.raises(InvalidInput) as refused:
        validate_filing(app, PLAN, id_number="330602196503121235", photo=b"junk", today=TODAY)
    details = refused.value.details
    assert {d["code"] for d in details} == {
        "PHOTO_UNREADABLE", "PLEDGE_NOT_SIGNED", "SELF_STATEMENT_TOO_LONG", "ID_NUMBER_CHECKSUM",
        "ATTACHMENT_MISSING"}
    assert all(set(d) == {"field", "code", "message_zh", "message_en"} for d in details)
    assert refused.value.code == "INVALID_INPUT" and "5" in refused.value.message_zh


def test_a_self_statement_of_exactly_the_limit_is_accepted():
    assert problems(change(normal_applicant(), self_statement="述" * 1000)) == []


def test_a_missing_ce_certificate_names_its_year():
    assert problems(without(normal_applicant(), "ce_certificate", 2018)) == [
        ("attachments.ce_certificate.2018", "ATTACHMENT_MISSING")]


def test_out_of_province_insurance_needs_its_proof_at_the_door():
    app = normal_applicant()
    app = change(app, social_insurance={**app.social_insurance.model_dump(mode="json"),
                                        "out_of_province_in_last_3_years": True})
    assert problems(app) == [("attachments.out_of_province_si_proof", "ATTACHMENT_MISSING")]


def test_public_institution_needs_the_post_table_or_the_unit_explanation():
    app = without(public_institution_applicant(), "post_table")
    assert problems(app) == [("attachments.post_table", "ATTACHMENT_MISSING")]
    outside = change(app, public_institution={"in_establishment": False, "within_post_ratio": True})
    assert problems(outside) == [("attachments.unit_explanation", "ATTACHMENT_MISSING")]


@pytest.mark.parametrize("build, kind", [(transfer_applicant, "transfer_evidence"),
                                         (landmark_applicant, "landmark_evidence"),
                                         (skill_talent_applicant, "skill_evidence")])
def test_each_route_needs_its_evidence(build, kind):
    assert problems(without(build(), kind)) == [(f"attachments.{kind}", "ATTACHMENT_MISSING")]


def test_appointment_letters_must_be_attached():
    assert problems(without(normal_applicant(), "appointment_letter")) == [
        ("attachments.appointment_letter", "ATTACHMENT_MISSING")]


def test_a_collective_achievement_needs_principal_contributor_evidence():
    app = normal_applicant()
    achievements = [a.model_dump(mode="json") for a in app.achievements]
    achievements[0] |= {"collective": True, "contribution_evidence_attachment_id": "att-contrib"}
    app = change(app, achievements=achievements)
    assert problems(app) == [("achievements[0].contribution_evidence_attachment_id",
                              "ATTACHMENT_MISSING")]
    assert problems(with_attachments(app, attachment("contribution_evidence", ident="att-contrib"))) == []


def test_an_unverified_copy_is_refused():
    app = with_attachments(normal_applicant(), {"attachment_id": "att-x", "kind": "appointment_letter",
                                                "verified_copy": False})
    assert problems(app) == [("attachments[3]", "ATTACHMENT_NOT_VERIFIED")]


def test_a_bad_unit_credit_code_is_refused():
    app = change(normal_applicant(), unit={**normal_applicant().unit.model_dump(mode="json"),
                                           "credit_code": "91330600MA2BC12340"})
    assert problems(app) == [("unit.credit_code", "CREDIT_CODE_INVALID")]
