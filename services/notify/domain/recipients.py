"""Who gets a message and at which number: notify's own read model, and phone validation.

Phone numbers come from the application (the applicant), the unit's registration or its
authorised operator (the unit) and the event itself (deadline reminders). A number that is
missing, invalid, or not a mobile is a reason for NotificationFailed, never an exception.
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
    # operator (UnitAuthorized) is a person who reads SMS; the registration phone may be a desk.
    rank: int = 0


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
            updates = [Contact(RecipientKind.APPLICANT, str(app.application_id), app.applicant.name, app.applicant.phone)]
            if app.unit.phone:  # the unit's registration phone
                updates.append(Contact(RecipientKind.UNIT, app.unit.unit_id, app.unit.name, app.unit.phone))
            return updates
        case EligibilityAssessed(application_id=app_id, summary=s) | CaseOpened(application_id=app_id, summary=s):
            return [Contact(RecipientKind.APPLICANT, str(app_id), s.applicant_name, s.applicant_phone)]
        case UnitAuthorized():
            return [Contact(RecipientKind.UNIT, event.unit_id, event.operator_name, event.operator_phone, rank=1)]
    return []


def merge(existing: Contact | None, update: Contact) -> Contact:
    """The row to keep: a newer fact of the same or higher rank replaces the old one."""
    if existing is None or update.rank >= existing.rank:
        return update
    return existing
