"""Which reviewer a case is waiting at, from the review events notify already consumes.

Notify may not import the review service, so it re-derives the review chain here from the plan
(SPEC 2 and 5, the same rule as review's `routing.review_chain`): unit (or the area's talent
exchange centre for a private firm filing through it) -> the area's construction authority ->
the area's HR bureau -> the city HR bureau. A case waits:

| event | then the case waits at |
|---|---|
| CaseOpened (also a resubmission) | the unit level, org = the unit (or talent centre) |
| UnitApproved, PublicNoticeStarted | still the unit (it must run and close the notice) |
| PublicNoticeCompleted | construction authority of the unit's area |
| DepartmentApproved at construction_authority | HR bureau of the area |
| DepartmentApproved at hr_bureau, InterviewResultRecorded passed | still the HR bureau |
| HRBureauRecommended | city HR bureau |
| Returned, UnitRejected, DepartmentRejected, CaseClosed, ForwardedToCommittee, failed interview, ApplicationWithdrawn | nowhere (removed) |
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from contracts.application import UnitKind
from contracts.envelope import Envelope
from contracts.events import ApplicationSummary, ReviewLevel
from contracts.plan import Plan

CHAIN = (ReviewLevel.UNIT, ReviewLevel.CONSTRUCTION_AUTHORITY, ReviewLevel.HR_BUREAU, ReviewLevel.CITY_HR_BUREAU)


@dataclass(frozen=True)
class Opened:
    """A case now waits at its unit (a new row, or a resubmission starting over)."""

    application_id: uuid.UUID
    unit_org: str
    area: str


@dataclass(frozen=True)
class MovedTo:
    application_id: uuid.UUID
    level: ReviewLevel


@dataclass(frozen=True)
class Left:
    """The case waits at no reviewer any more (returned, closed, forwarded)."""

    application_id: uuid.UUID


Change = Opened | MovedTo | Left

_REMOVING = frozenset({"Returned", "UnitRejected", "DepartmentRejected", "CaseClosed", "ForwardedToCommittee",
                       "ApplicationWithdrawn"})


def unit_org(summary: ApplicationSummary) -> str:
    """The organisation acting at the unit level: the talent exchange centre for a private firm
    whose personnel files it keeps, otherwise the unit itself."""
    if summary.unit_kind == UnitKind.PRIVATE_ENTERPRISE and summary.personnel_files_at_talent_center:
        return f"{summary.unit_area}-talent-center"
    return summary.unit_id


def org_at(plan: Plan, area: str, level: ReviewLevel, unit: str) -> str:
    """The organisation acting at `level` for a case of a unit in `area`. KeyError: unknown area."""
    if level is ReviewLevel.UNIT:
        return unit
    if level is ReviewLevel.CITY_HR_BUREAU:
        return plan.city_hr_bureau.org_id
    receiving = plan.receiving_unit(area)
    if level is ReviewLevel.CONSTRUCTION_AUTHORITY:
        return receiving.construction_authority.org_id
    return receiving.hr_bureau.org_id


def change_for(envelope: Envelope) -> Change | None:
    """What an event does to the waiting_cases read model; None for events that do not move a case."""
    p, kind = envelope.payload, envelope.event_type
    if kind == "CaseOpened":
        summary = ApplicationSummary.model_validate(p["summary"])
        return Opened(uuid.UUID(str(p["application_id"])), unit_org(summary), summary.unit_area)
    if "application_id" not in p:
        return None
    app_id = uuid.UUID(str(p["application_id"]))
    if kind in _REMOVING or (kind == "InterviewResultRecorded" and not p.get("passed")):
        return Left(app_id)
    if kind == "PublicNoticeCompleted":
        return MovedTo(app_id, ReviewLevel.CONSTRUCTION_AUTHORITY)
    if kind == "DepartmentApproved" and p.get("level") == ReviewLevel.CONSTRUCTION_AUTHORITY.value:
        return MovedTo(app_id, ReviewLevel.HR_BUREAU)
    if kind == "HRBureauRecommended":
        return MovedTo(app_id, ReviewLevel.CITY_HR_BUREAU)
    return None
