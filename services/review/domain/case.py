"""The review case: its state, projected from its own events only (`transitions.evolve`, `fold`).

One case per application; a resubmission continues the same stream with a new revision, so
`history` keeps everything that ever happened. Who and when of each event are in its envelope
(actor, occurred_at); the payloads carry the reason or opinion text.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from contracts.application import Route
from contracts.events import ApplicationSummary, Outcome, Payload, Returned, ReviewLevel
from contracts.review_chain import unit_org


class Stage(StrEnum):
    AT_UNIT = "at_unit"  # 待单位审查
    AWAITING_NOTICE = "awaiting_notice"  # 单位审查通过, 待公示
    PUBLIC_NOTICE = "public_notice"  # 公示中
    AT_CONSTRUCTION_AUTHORITY = "at_construction_authority"
    AT_HR_BUREAU = "at_hr_bureau"
    INTERVIEW_PENDING = "interview_pending"  # HR bureau passed, interview still to pass
    AWAITING_RECOMMENDATION = "awaiting_recommendation"  # HR bureau passed, 待审核推荐
    AT_CITY = "at_city"
    FORWARDED = "forwarded"  # 已报送省评委会
    RETURNED = "returned"  # 退回修改, waiting for the applicant
    CLOSED_REJECTED = "closed_rejected"
    CLOSED_INTERVIEW_FAILED = "closed_interview_failed"
    CLOSED_OVERDUE = "closed_overdue"  # 逾期未审核: the deadline sweep closed it
    WITHDRAWN = "withdrawn"


LEVEL_OF_STAGE: dict[Stage, ReviewLevel] = {
    Stage.AT_UNIT: ReviewLevel.UNIT,
    Stage.AWAITING_NOTICE: ReviewLevel.UNIT,
    Stage.PUBLIC_NOTICE: ReviewLevel.UNIT,
    Stage.AT_CONSTRUCTION_AUTHORITY: ReviewLevel.CONSTRUCTION_AUTHORITY,
    Stage.AT_HR_BUREAU: ReviewLevel.HR_BUREAU,
    Stage.INTERVIEW_PENDING: ReviewLevel.HR_BUREAU,
    Stage.AWAITING_RECOMMENDATION: ReviewLevel.HR_BUREAU,
    Stage.AT_CITY: ReviewLevel.CITY_HR_BUREAU,
    Stage.FORWARDED: ReviewLevel.CITY_HR_BUREAU,
}
CLOSED = frozenset({Stage.CLOSED_REJECTED, Stage.CLOSED_INTERVIEW_FAILED, Stage.CLOSED_OVERDUE, Stage.WITHDRAWN})
# Where a correction answering a return goes: back to the level that returned it (the notice is
# silent; a department's return sent back to the unit after 8月20日 could never pass the unit again).
STAGE_AFTER_RETURN: dict[ReviewLevel, Stage] = {
    ReviewLevel.UNIT: Stage.AT_UNIT,
    ReviewLevel.CONSTRUCTION_AUTHORITY: Stage.AT_CONSTRUCTION_AUTHORITY,
    ReviewLevel.HR_BUREAU: Stage.AT_HR_BUREAU,
    ReviewLevel.CITY_HR_BUREAU: Stage.AT_CITY,
}
INTERVIEW_ROUTES = frozenset({Route.TRANSFER, Route.LANDMARK})


@dataclass(frozen=True)
class Scope:
    """What authorization compares a principal with; empty strings mean "the whole city"."""

    person_ref: str = ""
    unit_org: str = ""
    area: str = ""


@dataclass(frozen=True)
class Case:
    application_id: uuid.UUID
    revision: int
    outcome: Outcome
    summary: ApplicationSummary
    stage: Stage = Stage.AT_UNIT
    version: int = 0  # events folded so far = the stream version to expect on append
    history: tuple[Payload, ...] = ()
    interview_required: bool = False
    route_used: Route | None = None  # eligibility's; None for history before it was carried
    checks: tuple = ()  # RuleResults every level checks again, of the current revision (CaseOpened.checks)
    interview_at: datetime | None = None
    interview_passed: bool | None = None
    notice_starts_on: date | None = None
    notice_ends_on: date | None = None
    objections: tuple[str, ...] = ()
    objections_resolved: int = 0  # objections are resolved in the order they were recorded
    notice_result: str = ""
    # level -> charge; a missing level means the platform default 收费. Replaced, never mutated.
    fee_options: dict[ReviewLevel, bool] = field(default_factory=dict)
    last_return: Returned | None = None
    closed_level: ReviewLevel | None = None
    committee_batch: str | None = None
    fee_requested: int | None = None  # amount in yuan
    fee_due_by: datetime | None = None
    fee_paid: bool = False
    # The plan the application was filed under (CaseOpened v4): its chain and deadlines decide the case.
    plan_id: str = ""
    plan_version: str = ""

    @property
    def level(self) -> ReviewLevel | None:
        return LEVEL_OF_STAGE.get(self.stage)

    @property
    def eligible(self) -> bool:
        return self.outcome != Outcome.INELIGIBLE

    @property
    def applicant_ref(self) -> str:
        return self.summary.person_ref

    @property
    def scope(self) -> Scope:
        return Scope(self.applicant_ref, unit_org(self.summary), self.summary.unit_area)

    @property
    def route(self) -> Route:
        """The route that counts (roster category and order, interview): the route that qualified,
        or the declared one when none did (or for history before the route used was carried)."""
        return self.route_used or self.summary.route

    @property
    def unresolved_objections(self) -> int:
        return len(self.objections) - self.objections_resolved

    @property
    def waiting_level(self) -> ReviewLevel | None:
        """The level that must act next: the case's own, or for a returned case the level the
        correction goes back to (where its deadline is read)."""
        if self.stage == Stage.RETURNED and self.last_return is not None:
            return self.last_return.level
        return self.level

    def fee_waived(self, level: ReviewLevel) -> bool:
        return self.fee_options.get(level, True) is False


@dataclass(frozen=True)
class NeverOpened:
    """A case stream that starts with CaseClosed: the application was withdrawn before its case
    opened, and the marker makes a late assessment a no-op."""


NEVER_OPENED = NeverOpened()
