"""Payloads of the integration events (SPEC 3-7). Names say what happened.

Each model is the `payload` of an `Envelope` whose `event_type` is the class name. Changing one:
add an optional field, or raise its `schema_version` and register an upcaster from the previous
version in `contracts/upcasters.py`; `tests/contracts` pins every version's schema.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from contracts.application import Application, Route


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    schema_version: ClassVar[int] = 1  # the version this model reads and writes


class ReviewLevel(StrEnum):
    UNIT = "unit"  # 用人单位
    CONSTRUCTION_AUTHORITY = "construction_authority"  # 建设主管部门
    HR_BUREAU = "hr_bureau"  # 当地人力社保部门
    CITY_HR_BUREAU = "city_hr_bureau"  # 市人力社保局专技处


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    ELIGIBLE_INTERVIEW_REQUIRED = "eligible_interview_required"
    INELIGIBLE = "ineligible"


# --- intake -------------------------------------------------------------------------------


class Sealed(Payload):
    """The filed personal fields, AES-GCM encrypted with the person's data key, which only intake
    holds (wrapped by its master key) and deletes on erasure: then nobody can read them, and the
    event, its hash chain and its copies on the topic stay as they are."""

    person_ref: str
    nonce: str  # base64, 12 bytes
    ciphertext: str  # base64 of AES-GCM(name, phone, id number, birth date), person_ref as associated data


class ApplicationSubmitted(Payload):
    # v2: the applicant is person_ref only; personal fields sealed. v3: the unit carries no phone.
    # v4: the plan's version (with application.plan_id: the plan every service decides this
    # application with, contracts/plan.py PlanRegistry); v3 is upcast to the one plan there was.
    schema_version: ClassVar[int] = 4
    application: Application
    plan_version: str
    sealed: Sealed | None = None


class ApplicationResubmitted(Payload):
    schema_version: ClassVar[int] = 4  # as ApplicationSubmitted; the plan stays the first filing's
    application: Application  # revision > 1
    plan_version: str
    return_event_id: uuid.UUID | None = None  # the Returned it answers
    sealed: Sealed | None = None


class ApplicationWithdrawn(Payload):
    application_id: uuid.UUID
    reason: str


# --- eligibility --------------------------------------------------------------------------


class RuleResult(Payload):
    code: str  # stable, e.g. "CE_HOURS"
    passed: bool
    inputs: dict[str, object] = {}
    threshold: str = ""
    message_zh: str
    message_en: str


class RouteResult(Payload):
    route: Route
    qualifies: bool
    message_zh: str
    message_en: str


class ApplicationSummary(Payload):
    """What review and notify need of the application, so they need not join topics."""

    unit_id: str
    unit_name: str
    unit_area: str
    unit_kind: str
    route: Route
    specialty: str
    submitted_at: datetime | None = None
    person_ref: str = ""  # lets an applicant's token be matched to their case
    personnel_files_at_talent_center: bool = False  # private firm filing through the talent exchange centre
    # For the 公示表 (附件2 一.4: basic information and achievements): the current title with its dates,
    # the cited achievements (not the whole archive) and the landmark achievements. Empty for older events.
    current_title: str = ""
    current_title_qualified_on: date | None = None
    current_title_appointed_on: date | None = None
    cited_achievements: list[str] = []
    landmark_achievements: list[str] = []


class EligibilityAssessed(Payload):
    # v2: the summary carries the 公示表's facts and no name, phone or masked ID number (v1 is read
    # with the facts empty and the personal fields dropped)
    schema_version: ClassVar[int] = 2
    application_id: uuid.UUID
    revision: int
    outcome: Outcome
    qualifying_routes: list[Route]
    routes: list[RouteResult]
    rules: list[RuleResult]
    plan_id: str
    plan_version: str
    summary: ApplicationSummary
    route_used: Route | None = None  # the qualifying route the decision rests on (drives interview, roster)


# --- review -------------------------------------------------------------------------------


class Acting(Payload):
    """Who must act next on a case: the review level and the organisation acting at it."""

    level: ReviewLevel
    org_id: str


class CaseOpened(Payload):
    # v2: `acting` (v1 is upcast: the unit level); v3: `route_used` (v2 is upcast: None, the declared
    # route stands, as it did then) and a pseudonymous summary; v4: the plan the application was filed
    # under (from its assessment), which decides the case's chain and deadlines. See upcasters.py.
    schema_version: ClassVar[int] = 4
    application_id: uuid.UUID
    plan_id: str
    plan_version: str
    revision: int
    outcome: Outcome
    summary: ApplicationSummary
    acting: Acting  # the organisation acting first (the unit or its talent centre; after a return, that level)
    route_used: Route | None  # eligibility's route used: the roster category and order, the interview
    # The current results of the rules every review level checks again (SPEC 3; 附件2 二.2: 资历、年度考核、
    # 继续教育学时、评聘结合), from this revision's assessment: a resubmission replaces them.
    checks: list[RuleResult] = []


class CaseMovedTo(Payload):
    """The case now waits at another reviewer, or (acting None) at none: returned, closed, forwarded."""

    application_id: uuid.UUID
    acting: Acting | None


class UnitApproved(Payload):
    application_id: uuid.UUID
    opinion: str


class UnitRejected(Payload):
    application_id: uuid.UUID
    reason: str


class ReturnedSection(Payload):
    section: str  # e.g. "papers", "ce_certificates", "appointment_letters"
    reason: str


class Returned(Payload):
    application_id: uuid.UUID
    level: ReviewLevel
    reason: str
    sections: list[ReturnedSection] = []


class ReturnReceived(Payload):
    """Internal to intake: it learnt of review's Returned (`return_event_id`) while the filing was at
    `revision`; the applicant may resubmit until a resubmission answers it. Recorded on the
    application's stream, so intake's `open_returns` is a fold of its own history."""
    application_id: uuid.UUID
    return_event_id: uuid.UUID
    revision: int
    level: ReviewLevel
    reason: str
    sections: list[ReturnedSection] = []


class PublicNoticeStarted(Payload):
    application_id: uuid.UUID
    starts_on: date
    ends_on: date
    working_days: int


class PublicNoticeCompleted(Payload):
    application_id: uuid.UUID
    objections: int = 0
    result: str  # the unit's record of the notice's result


class DepartmentApproved(Payload):
    # v2: at the HR-bureau level, the paper material the applicant now brings (附件3 一.2 and 注):
    # copies of the evaluation form (3, 4 with an interview) and where (附件4). v1 reads as 0 / "".
    schema_version: ClassVar[int] = 2
    application_id: uuid.UUID
    level: ReviewLevel
    department: str
    opinion: str
    form_copies: int  # 0 below the HR-bureau level
    deliver_to: str


class DepartmentRejected(Payload):
    application_id: uuid.UUID
    level: ReviewLevel
    department: str
    reason: str


class HRBureauRecommended(Payload):
    application_id: uuid.UUID
    bureau: str
    opinion: str = ""


class ForwardedToCommittee(Payload):
    application_id: uuid.UUID
    committee: str
    batch_id: str = ""


class InterviewScheduled(Payload):
    application_id: uuid.UUID
    scheduled_at: datetime
    place: str


class InterviewResultRecorded(Payload):
    application_id: uuid.UUID
    passed: bool
    remarks: str = ""


class FeeRequested(Payload):
    application_id: uuid.UUID
    amount_yuan: int
    due_by: datetime


class FeePaid(Payload):
    application_id: uuid.UUID
    amount_yuan: int
    paid_at: datetime
    receipt: str = ""


class UnitAuthorized(Payload):
    # v2: the operator is `operator_ref` only (a keyed hash); their name and mobile travel on the
    # compacted personal-data topic, written by review (ARCHITECTURE.md "Personal data").
    schema_version: ClassVar[int] = 2
    unit_id: str
    unit_name: str
    operator_ref: str = ""  # "" only for a v1 authorization: its operator's contact is not known


class DeadlineApproaching(Payload):
    # v2: the recipient is its organisation only; notify looks its number up from operator data
    # (services/notify/templates/department_contacts.json) when it writes the SMS.
    # v3: the reminder's own facts, so notify's `reminders` read model is a fold of its history:
    # which reminder it is (working days before the deadline) and the season day it was planned.
    # Absent (None) in v2 events: read from the event id and the recorded time instead.
    schema_version: ClassVar[int] = 3
    recipient_org: str
    deadline: date
    waiting_cases: int
    level: ReviewLevel
    days_before: int | None = None
    planned_on: date | None = None


# --- notify -------------------------------------------------------------------------------


class NotificationSent(Payload):
    schema_version: ClassVar[int] = 2  # v2: no `text` (it names the person); notify's delivery row has it
    notification_id: uuid.UUID
    application_id: uuid.UUID | None = None
    template: str
    recipient_masked: str
    dedup_key: str
    caused_by_event_id: uuid.UUID


class NotificationFailed(Payload):
    notification_id: uuid.UUID
    application_id: uuid.UUID | None = None
    template: str
    recipient_masked: str = ""
    reason: str
    dedup_key: str
    caused_by_event_id: uuid.UUID


# --- review: archive, notice details, fee option (added with the review workflow) ------------


class ArchiveEntryAdded(Payload):
    entry_id: str
    person_ref: str
    unit_id: str
    title: str
    achieved_on: date
    kind: str = "project"  # project | paper | award | patent | standard | landmark


class ArchiveEntryApproved(Payload):
    entry_id: str
    unit_id: str
    opinion: str = ""


class ArchiveEntryRejected(Payload):
    entry_id: str
    unit_id: str
    reason: str


class ObjectionRecorded(Payload):
    application_id: uuid.UUID
    summary: str


class FeeOptionSet(Payload):
    application_id: uuid.UUID | None = None
    department: str
    level: ReviewLevel
    charge: bool  # must be False ("不收费") before the department may act


ACCOUNT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"  # an issuer's opaque account id (`uid`), not a name


class Requester(BaseModel):
    """On whose request: an account by role and the opaque id its issuer gave it (the token's `uid`),
    never a name. Both empty when unknown (PersonErased v1 history, whose free text is not read)."""

    model_config = ConfigDict(frozen=True)

    role: str  # a contracts.envelope.Role value
    uid: str


class PersonErased(Payload):
    """An operator erased a person's personal data (intake's own stream `person-<ref>`): who, on
    whose request, and what was erased where. Carries nothing personal."""

    # v2: `requested_by` is an account (role, uid) instead of v1's free text, which could hold a
    # name and is dropped on read (upcasters.py).
    schema_version: ClassVar[int] = 2

    person_ref: str
    erased_by: str  # the operator's account id (their token's `uid`)
    erased_by_role: str
    requested_by: Requester
    data_key_deleted: bool
    photos_deleted: int
    applications: list[uuid.UUID] = []


class CaseClosed(Payload):
    application_id: uuid.UUID
    final_status: str  # rejected | interview_failed | withdrawn | forwarded
    level: ReviewLevel | None = None


# --- review: objections resolved, deadlines missed (issue 12) ---------------------------------


class ObjectionResolved(Payload):
    """The unit's recorded outcome of the `number`-th objection (1 = the first recorded). Upheld
    (异议成立) ends the case at the unit: the unit does not recommend it (确认无意见后，报送)."""

    application_id: uuid.UUID
    number: int
    upheld: bool
    finding: str  # what the unit found, told to the applicant


class ClosedOverdue(Payload):
    """A stage's deadline passed with the case still waiting there (逾期未审核): recorded by the
    deadline sweep with the CaseClosed it comes with, so the applicant and the unit are told."""

    application_id: uuid.UUID
    level: ReviewLevel  # the level that had to act (for a returned case: the one it would return to)
    waiting_for: str  # the organisation id that had to act, or "applicant" for a returned case
    deadline: date
    reason: str  # 逾期未审核 / 逾期未重新提交
    unit_org: str  # the unit-level organisation, told as well
