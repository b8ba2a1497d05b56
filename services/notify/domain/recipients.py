"""Who gets a message and at which number: notify's own read model, and phone validation.

Phone numbers come from the personal-data topic (the applicant by person_ref, a unit's authorised
operator by operator_ref: events are pseudonymous), the unit's registration (the unit) and
notify's operator data (departments, services/notify/templates/department_contacts.json). A
number that is missing, invalid, or not a mobile, or a person whose data was erased, is a reason
for NotificationFailed, never an exception.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from contracts.personal_data import InvalidPhone, mask_phone, normalise_phone
from contracts.events import (
    ApplicationResubmitted, ApplicationSubmitted, CaseOpened, EligibilityAssessed, Payload, UnitAuthorized,
)

class RecipientKind(StrEnum):
    APPLICANT = "applicant"  # ref: application id
    UNIT = "unit"  # ref: unit id
    ORG = "org"  # ref: a department's org id (construction authority, HR bureau)


@dataclass(frozen=True)
class Contact:
    kind: RecipientKind
    ref: str
    name: str
    phone: str | None
    # Higher wins when two sources name a number for the same recipient: a unit's authorised
    # operator (UnitAuthorized) outranks older rows (filings no longer carry a unit phone).
    rank: int = 0
    person_ref: str = ""  # an applicant: name and phone are looked up by it when a message is planned
    erased: bool = False  # the person's personal data was erased: nobody may be messaged


ERASED_REASON = "personal data erased at the person's request (个人信息已删除，不再发送短信)"


@dataclass(frozen=True)
class Recipient:
    kind: RecipientKind
    ref: str
    name: str
    phone_e164: str
    masked: str


@dataclass(frozen=True)
class Unreachable:
    reason: str
    masked: str = ""


def resolve(contact: Contact | None) -> Recipient | Unreachable:
    if contact is None:
        return Unreachable("recipient is not in notify's directory")
    if contact.erased:
        return Unreachable(ERASED_REASON)
    try:
        e164 = normalise_phone(contact.phone)
    except InvalidPhone as exc:
        return Unreachable(str(exc), mask_phone(contact.phone or ""))
    return Recipient(contact.kind, contact.ref, contact.name, e164, mask_phone(e164))


CONTACT_SOURCES = (ApplicationSubmitted, ApplicationResubmitted, EligibilityAssessed, CaseOpened, UnitAuthorized)


def contact_updates(event: Payload) -> list[Contact]:
    """The directory rows (upserts) an event implies; the adapter stores them."""
    match event:
        case ApplicationSubmitted(application=app) | ApplicationResubmitted(application=app):
            # The unit's contact is its authorised operator (UnitAuthorized), never a phone in the filing.
            return [applicant(app.application_id, app.applicant.person_ref)]
        case EligibilityAssessed(application_id=app_id, summary=s) | CaseOpened(application_id=app_id, summary=s):
            return [applicant(app_id, s.person_ref)] if s.person_ref else []
        case UnitAuthorized(operator_ref=ref) if ref:  # name and mobile: personal_data, by operator_ref
            return [Contact(RecipientKind.UNIT, event.unit_id, "", None, rank=1, person_ref=ref)]
    return []


def applicant(application_id, person_ref: str) -> Contact:
    """The applicant of an application, known by person_ref only (name and phone: personal_data)."""
    return Contact(RecipientKind.APPLICANT, str(application_id), "", None, person_ref=person_ref)


def merge(existing: Contact | None, update: Contact) -> Contact:
    """The row to keep: a newer fact of the same or higher rank replaces the old one."""
    if existing is None or update.rank >= existing.rank:
        return update
    return existing
