import uuid

import pytest

from contracts.events import ApplicationSummary, FeePaid
from contracts.personal_data import InvalidPhone, mask_phone, normalise_phone
from services.notify.domain.recipients import (
    Contact, Recipient, RecipientKind, Unreachable, contact_updates, merge, resolve,
)
from notify_samples import APP_ID, SAMPLES, SUMMARY, event


@pytest.mark.parametrize("raw", ["13812345678", "+86 138 1234 5678", "138-1234-5678", "008613812345678"])
def test_a_mainland_mobile_in_any_spelling_is_normalised_to_e164(raw):
    assert normalise_phone(raw) == "+8613812345678"


@pytest.mark.parametrize("raw,why", [
    (None, "no phone"), ("", "no phone"), ("  ", "no phone"), ("abc", "cannot be parsed"),
    ("12345678901", "not valid"), ("0575-85140374", "not a mobile"),
])
def test_a_missing_invalid_or_landline_number_is_refused_with_a_reason(raw, why):
    with pytest.raises(InvalidPhone, match=why):
        normalise_phone(raw)


@pytest.mark.parametrize("raw", ["13812345678", "+8613812345678", "138 1234 5678"])
def test_mask_phone_keeps_three_and_four_digits(raw):
    assert mask_phone(raw) == "138****5678"


def test_a_contact_with_a_good_number_resolves_to_a_recipient():
    got = resolve(Contact(RecipientKind.APPLICANT, "a-1", "张三", "13812345678"))
    assert got == Recipient(RecipientKind.APPLICANT, "a-1", "张三", "+8613812345678", "138****5678")


def test_an_unknown_recipient_or_bad_number_is_unreachable_not_an_exception():
    assert isinstance(resolve(None), Unreachable)
    bad = resolve(Contact(RecipientKind.UNIT, "u-1", "某单位", "0575-85140374"))
    assert isinstance(bad, Unreachable) and "mobile" in bad.reason and "85140374" not in bad.masked


def test_the_directory_learns_applicants_by_person_ref_from_assessments_and_operators_from_authorisations():
    payload, _ = SAMPLES["EligibilityAssessed"]
    [applicant] = contact_updates(event("EligibilityAssessed", payload))
    assert (applicant.kind, applicant.person_ref, applicant.name, applicant.phone) == (
        RecipientKind.APPLICANT, "ab" * 32, "", None)  # name and phone: personal_data, at planning
    [operator] = contact_updates(event("UnitAuthorized", SAMPLES["UnitAuthorized"][0]))
    assert (operator.kind, operator.ref, operator.person_ref, operator.phone) == (
        RecipientKind.UNIT, "u-1", "0f" * 32, None)  # name and mobile: personal_data, by operator_ref, at planning
    assert contact_updates(event("UnitAuthorized", {"unit_id": "u-1", "unit_name": "u", "operator_ref": ""})) == []
    assert contact_updates(FeePaid(application_id=APP_ID, amount_yuan=0, paid_at="2020-09-01T00:00:00Z")) == []


def test_case_opened_names_the_applicant_by_person_ref_only():
    app_id = uuid.uuid4()
    summary = ApplicationSummary.model_validate({**SUMMARY, "person_ref": "cd" * 32})
    payload = {"application_id": str(app_id), "revision": 2, "outcome": "eligible",
               "summary": summary.model_dump(mode="json"), "acting": {"level": "unit", "org_id": "u-1"}}
    [contact] = contact_updates(event("CaseOpened", payload))
    assert contact.ref == str(app_id) and contact.person_ref == "cd" * 32 and contact.phone is None


def test_an_erased_person_is_unreachable_with_the_reason():
    got = resolve(Contact(RecipientKind.APPLICANT, "a-1", "", None, person_ref="ab" * 32, erased=True))
    assert isinstance(got, Unreachable) and "personal data erased" in got.reason


def test_an_authorised_operator_is_not_replaced_by_the_units_registration_desk():
    operator = Contact(RecipientKind.UNIT, "u-1", "李四", "13900001111", rank=1)
    desk = Contact(RecipientKind.UNIT, "u-1", "某单位", "13900002222")
    assert merge(operator, desk) is operator
    assert merge(desk, operator) is operator
    assert merge(None, desk) is desk
