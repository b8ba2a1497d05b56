"""Upcasters: how a stored payload of version n becomes version n+1. Pure dict -> dict.

Stored history is never rewritten; it is read through this chain (`registry.decode`). A new
version of an event adds one entry here, keyed by (event type, the version it upgrades FROM).

The pseudonymous versions (ApplicationSubmitted/Resubmitted v2, EligibilityAssessed v2,
CaseOpened v3, NotificationSent v2, ApplicationSubmitted/Resubmitted v3 (unit.phone), UnitAuthorized v2,
DeadlineApproaching v2, PersonErased v2) drop the personal fields v1 carried; they are read as absent,
never guessed. Only development data was ever written at v1 (ARCHITECTURE.md "Personal data").
"""
from __future__ import annotations

from collections.abc import Callable

from contracts.events import ApplicationSummary, ReviewLevel
from contracts.review_chain import unit_org

Upcaster = Callable[[dict], dict]

APPLICANT_PERSONAL_FIELDS = ("name", "phone", "id_number_masked", "birth_date")
SUMMARY_PERSONAL_FIELDS = ("applicant_name", "applicant_phone", "id_number_masked")


def _without(payload: dict, fields: tuple[str, ...]) -> dict:
    return {k: v for k, v in payload.items() if k not in fields}


def filing_v1_to_v2(payload: dict) -> dict:
    """v1 carried the applicant's name, phone, masked ID number and birth date: dropped."""
    application = payload["application"]
    applicant = _without(application.get("applicant", {}), APPLICANT_PERSONAL_FIELDS)
    return {**payload, "application": {**application, "applicant": applicant}}


def filing_v2_to_v3(payload: dict) -> dict:
    """v2 carried the unit operator's mobile as `unit.phone`: dropped (notify reaches the unit's
    operator by operator_ref). Read as absent; the stored v2 bytes keep it until the store is reset."""
    application = payload["application"]
    return {**payload, "application": {**application, "unit": _without(application.get("unit", {}), ("phone",))}}


# The one plan that existed before events recorded their plan's version (ApplicationSubmitted /
# ApplicationResubmitted v4, CaseOpened v4): contracts/plans/shaoxing-2020.json. Every older
# application was filed, assessed and reviewed under it. Named here, never read from a setting or a
# file, so that a later plan (or a changed default) can never re-interpret history.
FIRST_PLAN_ID, FIRST_PLAN_VERSION = "zj-sx-2020-zgj", "2020.1"


def filing_v3_to_v4(payload: dict) -> dict:
    """v3 did not record the plan's version: it was the first plan's (FIRST_PLAN_VERSION)."""
    return {**payload, "plan_version": FIRST_PLAN_VERSION}


def case_opened_v3_to_v4(payload: dict) -> dict:
    """v3 did not record the case's plan: every case before v4 was the first plan's."""
    return {**payload, "plan_id": FIRST_PLAN_ID, "plan_version": FIRST_PLAN_VERSION}


def with_pseudonymous_summary(payload: dict) -> dict:
    """v1 summaries named the applicant (name, phone, masked ID number): dropped."""
    return {**payload, "summary": _without(payload["summary"], SUMMARY_PERSONAL_FIELDS)}


def case_opened_v1_to_v2(payload: dict) -> dict:
    """v1 did not say who acts first; it is always the unit level, whose organisation the summary
    already determines (the unit, or the talent centre filing for a private firm)."""
    summary = ApplicationSummary.model_validate(payload["summary"])
    return {**payload, "acting": {"level": ReviewLevel.UNIT.value, "org_id": unit_org(summary)}}


def case_opened_v2_to_v3(payload: dict) -> dict:
    """v2 did not carry eligibility's route used (such a case keeps the declared route, as it did),
    and its summary named the person: dropped."""
    return {**with_pseudonymous_summary(payload), "route_used": None}


def department_approved_v1_to_v2(payload: dict) -> dict:
    """v1 did not say what paper the applicant brings: nothing to say for history."""
    return {**payload, "form_copies": 0, "deliver_to": ""}


def notification_sent_v1_to_v2(payload: dict) -> dict:
    """v1 carried the SMS text, which names the person: dropped."""
    return _without(payload, ("text",))


def unit_authorized_v1_to_v2(payload: dict) -> dict:
    """v1 carried the operator's name and mobile: dropped. Their contact was never published, so the
    operator is unknown (`operator_ref` ""), never guessed."""
    return {**_without(payload, ("operator_name", "operator_phone")), "operator_ref": ""}


def deadline_approaching_v1_to_v2(payload: dict) -> dict:
    """v1 could carry the recipient's phone: dropped (notify reads its own operator data)."""
    return _without(payload, ("recipient_phone",))


def person_erased_v1_to_v2(payload: dict) -> dict:
    """v1's `requested_by` was free text (it could name the person or an officer): dropped. The
    requester is unknown (role and uid ""), never guessed from the text."""
    return {**payload, "requested_by": {"role": "", "uid": ""}}


def deadline_approaching_v2_to_v3(payload: dict) -> dict:
    """v2 did not say which reminder (days before) nor the day it was planned: read as absent."""
    return dict(payload)


UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("ApplicationSubmitted", 1): filing_v1_to_v2,
    ("ApplicationResubmitted", 1): filing_v1_to_v2,
    ("ApplicationSubmitted", 2): filing_v2_to_v3,
    ("ApplicationResubmitted", 2): filing_v2_to_v3,
    ("ApplicationSubmitted", 3): filing_v3_to_v4,
    ("ApplicationResubmitted", 3): filing_v3_to_v4,
    # v1's summary had no 公示表 facts (they default to empty) and named the person (dropped).
    ("EligibilityAssessed", 1): with_pseudonymous_summary,
    ("DepartmentApproved", 1): department_approved_v1_to_v2,
    ("CaseOpened", 1): case_opened_v1_to_v2,
    ("CaseOpened", 2): case_opened_v2_to_v3,
    ("CaseOpened", 3): case_opened_v3_to_v4,
    ("NotificationSent", 1): notification_sent_v1_to_v2,
    ("UnitAuthorized", 1): unit_authorized_v1_to_v2,
    ("DeadlineApproaching", 1): deadline_approaching_v1_to_v2,
    ("PersonErased", 1): person_erased_v1_to_v2,
    ("DeadlineApproaching", 2): deadline_approaching_v2_to_v3,
}
