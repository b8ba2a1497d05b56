"""Upcasters: how a stored payload of version n becomes version n+1. Pure dict -> dict.

Stored history is never rewritten; it is read through this chain (`registry.decode`). A new
version of an event adds one entry here, keyed by (event type, the version it upgrades FROM).
"""
from __future__ import annotations

from collections.abc import Callable

from contracts.events import ApplicationSummary, ReviewLevel
from contracts.review_chain import unit_org

Upcaster = Callable[[dict], dict]


def case_opened_v1_to_v2(payload: dict) -> dict:
    """v1 did not say who acts first; it is always the unit level, whose organisation the summary
    already determines (the unit, or the talent centre filing for a private firm)."""
    summary = ApplicationSummary.model_validate(payload["summary"])
    return {**payload, "acting": {"level": ReviewLevel.UNIT.value, "org_id": unit_org(summary)}}


def case_opened_v2_to_v3(payload: dict) -> dict:
    """v2 did not carry eligibility's route used; such a case keeps the declared route, as it did."""
    return {**payload, "route_used": None}


def eligibility_assessed_v1_to_v2(payload: dict) -> dict:
    """v1's summary had no 公示表 facts; the summary's new fields default to empty."""
    return dict(payload)


def department_approved_v1_to_v2(payload: dict) -> dict:
    """v1 did not say what paper the applicant brings: nothing to say for history."""
    return {**payload, "form_copies": 0, "deliver_to": ""}


UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("EligibilityAssessed", 1): eligibility_assessed_v1_to_v2,
    ("DepartmentApproved", 1): department_approved_v1_to_v2,
    ("CaseOpened", 1): case_opened_v1_to_v2,
    ("CaseOpened", 2): case_opened_v2_to_v3,
}
