from tests.fixtures.builders import (attachment, change, normal_applicant,
                                     public_institution_applicant, with_attachments)

from .helpers import failures, rule


def without(app, kind):
    return change(app, attachments=[a.model_dump() for a in app.attachments if a.kind != kind])


def test_public_institution_staff_with_post_table_pass():
    assert failures(public_institution_applicant()) == []


def test_public_institution_staff_without_post_table_fail():
    assert failures(without(public_institution_applicant(), "post_table")) == ["PI_POST_DOCUMENT"]


def test_staff_outside_the_establishment_upload_a_unit_explanation_instead():
    app = without(public_institution_applicant(), "post_table")
    app = change(app, public_institution={"in_establishment": False, "within_post_ratio": True})
    assert rule(app, "PI_POST_DOCUMENT").inputs["required"] == "unit_explanation"
    assert failures(app) == ["PI_POST_DOCUMENT"]
    assert failures(with_attachments(app, attachment("unit_explanation"))) == []


def test_public_institution_without_a_vacant_post_within_the_ratio_fails():
    app = change(public_institution_applicant(),
                 public_institution={"in_establishment": True, "within_post_ratio": False})
    assert failures(app) == ["PI_POST_RATIO"]


def test_enterprises_need_no_post_table():
    result = rule(normal_applicant(), "PI_POST_DOCUMENT")
    assert result.passed and result.message_en == "not a public institution"
