"""What people (and the system) ask the review case to do. Each names its authorization action.

The level a decision is taken at is never in the command: it follows from the case's stage, so a
reviewer cannot claim to act at a level the case is not at.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from contracts.application import Route
from contracts.envelope import Actor
from contracts.events import ApplicationSummary, Outcome, ReturnedSection, RuleResult


@dataclass(frozen=True)
class Command:
    actor: Actor
    application_id: uuid.UUID
    action: ClassVar[str] = ""


@dataclass(frozen=True)
class OpenCase(Command):
    """From EligibilityAssessed. Revision 1 opens the case; a higher revision answering a return
    reopens it at the unit (the resubmission path: ApplicationResubmitted -> EligibilityAssessed
    -> OpenCase). The review service never reacts to ApplicationResubmitted directly, because the
    resubmission must go through eligibility again first."""

    revision: int
    outcome: Outcome
    summary: ApplicationSummary
    route_used: Route | None = None  # eligibility's route used (None: not qualified on any route)
    rules: tuple[RuleResult, ...] = ()  # the assessment's rule results, of which the case keeps the checks
    action: ClassVar[str] = "open_case"


@dataclass(frozen=True)
class CloseWithdrawn(Command):
    """From ApplicationWithdrawn."""

    reason: str
    action: ClassVar[str] = "close_withdrawn"


@dataclass(frozen=True)
class UnitPass(Command):
    opinion: str
    action: ClassVar[str] = "unit_pass"


@dataclass(frozen=True)
class UnitNotPass(Command):
    reason: str
    action: ClassVar[str] = "unit_not_pass"


@dataclass(frozen=True)
class ReturnForRevision(Command):
    reason: str
    sections: tuple[ReturnedSection, ...]
    action: ClassVar[str] = "return"


@dataclass(frozen=True)
class StartPublicNotice(Command):
    starts_on: date
    action: ClassVar[str] = "start_notice"


@dataclass(frozen=True)
class RecordObjection(Command):
    summary: str
    action: ClassVar[str] = "record_objection"


@dataclass(frozen=True)
class ResolveObjection(Command):
    """The unit's recorded outcome of the oldest unresolved objection: upheld (异议成立) or not."""

    upheld: bool
    finding: str
    action: ClassVar[str] = "resolve_objection"


@dataclass(frozen=True)
class CloseOverdue(Command):
    """The deadline sweep: close a case whose stage's deadline has passed (逾期未审核)."""

    action: ClassVar[str] = "close_overdue"


@dataclass(frozen=True)
class CompletePublicNotice(Command):
    """Records the notice's result and forwards the case to the competent department."""

    result: str
    action: ClassVar[str] = "complete_notice"


@dataclass(frozen=True)
class SetFeeOption(Command):
    charge: bool  # False = 不收费, required before the department may decide
    action: ClassVar[str] = "set_fee_option"


@dataclass(frozen=True)
class DepartmentPass(Command):
    opinion: str
    action: ClassVar[str] = "department_pass"


@dataclass(frozen=True)
class DepartmentNotPass(Command):
    reason: str
    action: ClassVar[str] = "department_not_pass"


@dataclass(frozen=True)
class ScheduleInterview(Command):
    at: datetime
    place: str
    action: ClassVar[str] = "schedule_interview"


@dataclass(frozen=True)
class RecordInterviewResult(Command):
    passed: bool
    remarks: str = ""
    action: ClassVar[str] = "record_interview"


@dataclass(frozen=True)
class RecommendToCity(Command):
    """The HR bureau's 审核推荐: sends the case to the city HR bureau."""

    opinion: str = ""
    action: ClassVar[str] = "recommend"


@dataclass(frozen=True)
class ForwardToCommittee(Command):
    batch_id: str = ""
    action: ClassVar[str] = "forward"


@dataclass(frozen=True)
class RequestFee(Command):
    """The city HR bureau sets the fee and its due time (the notice names neither)."""

    amount_yuan: int
    due_by: datetime
    action: ClassVar[str] = "request_fee"


@dataclass(frozen=True)
class RecordFeePayment(Command):
    amount_yuan: int
    paid_at: datetime
    receipt: str = ""
    action: ClassVar[str] = "record_fee_payment"


ALL_COMMANDS: tuple[type[Command], ...] = (
    OpenCase, CloseWithdrawn, UnitPass, UnitNotPass, ReturnForRevision, StartPublicNotice,
    RecordObjection, ResolveObjection, CompletePublicNotice, CloseOverdue, SetFeeOption, DepartmentPass, DepartmentNotPass,
    ScheduleInterview, RecordInterviewResult, RecommendToCity, ForwardToCommittee, RequestFee,
    RecordFeePayment,
)
