"""Which messages an event asks for: event -> zero or more Message intents (SPEC 7).

Routing knows the event and the plan, not phone numbers: the recipient is named by kind and
reference and resolved against notify's directory later (events carry no phone numbers).
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from contracts.events import (
    ClosedOverdue, DeadlineApproaching, ObjectionResolved, DepartmentApproved, DepartmentRejected, EligibilityAssessed,
    ForwardedToCommittee, FeeRequested, HRBureauRecommended, InterviewResultRecorded,
    InterviewScheduled, Outcome, Payload, PublicNoticeCompleted, PublicNoticeStarted, Returned,
    ReviewLevel, UnitApproved, UnitAuthorized, UnitRejected,
)
from contracts.plan import Plan
from contracts.review_chain import org_names
from services.notify.domain.recipients import Contact, RecipientKind
from services.notify.domain.templates import FieldValue


@dataclass(frozen=True)
class Message:
    template: str
    recipient_kind: RecipientKind
    recipient_ref: str
    fields: dict[str, FieldValue] = field(default_factory=dict, hash=False)
    application_id: uuid.UUID | None = None
    # The recipient the event itself names (the operator a UnitAuthorized authorised, by operator_ref),
    # rather than whoever the directory holds for recipient_ref when the message is planned.
    contact: Contact | None = field(default=None, hash=False)


def _applicant(template: str, application_id: uuid.UUID, **fields: FieldValue) -> Message:
    return Message(template, RecipientKind.APPLICANT, str(application_id), fields, application_id)


def _local(moment: datetime, plan: Plan) -> datetime:
    # Texts show wall-clock time where the applicant is, not UTC.
    return moment.astimezone(ZoneInfo(plan.timezone)) if moment.tzinfo else moment


def _unit_authorized(e: UnitAuthorized, plan: Plan) -> list[Message]:
    # The operator this event authorised (their name and mobile: personal_data, by operator_ref), even if
    # the unit has authorised another one since; a v1 event names nobody: the unit's directory contact.
    operator = Contact(RecipientKind.UNIT, e.unit_id, "", None, rank=1, person_ref=e.operator_ref) if e.operator_ref \
        else None
    return [Message("unit_authorized", RecipientKind.UNIT, e.unit_id, {"unit_name": e.unit_name}, None, operator)]


def _returned(e: Returned, plan: Plan) -> list[Message]:
    reason = e.reason
    if e.sections:
        reason += "（" + "；".join(s.reason for s in e.sections) + "）"
    return [_applicant("application_returned", e.application_id, step=e.level.value, reason=reason)]


def _eligibility(e: EligibilityAssessed, plan: Plan) -> list[Message]:
    if e.outcome is not Outcome.INELIGIBLE:
        return []  # eligible cases go on to review; the review steps send their own messages
    failed = [r.message_zh for r in e.rules if not r.passed] or [r.message_zh for r in e.routes if not r.qualifies]
    return [_applicant("eligibility_ineligible", e.application_id, step="eligibility", reason="；".join(failed))]


def _deadline(e: DeadlineApproaching, plan: Plan) -> list[Message]:
    # The number is looked up now, in the directory: a department's from operator data, a unit's operator's
    # from the personal-data topic.
    kind = RecipientKind.UNIT if e.level is ReviewLevel.UNIT else RecipientKind.ORG
    fields = {"step": e.level.value, "deadline": e.deadline, "waiting_cases": e.waiting_cases}
    return [Message("deadline_approaching", kind, e.recipient_org, fields)]


def _closed_overdue(e: ClosedOverdue, plan: Plan) -> list[Message]:
    """The applicant and the unit are both told that the case ended because a deadline passed."""
    fields = {"step": e.level.value, "deadline": e.deadline, "reason": e.reason}
    to_unit = Message("closed_overdue_unit", RecipientKind.UNIT, e.unit_org, fields, e.application_id)
    return [_applicant("closed_overdue", e.application_id, **fields), to_unit]


def _passed(e: DepartmentApproved) -> Message:
    if e.form_copies:  # the HR bureau's pass: now the applicant prints the form and delivers the paper
        return _applicant("passed_hr_bureau_paper", e.application_id, copies=e.form_copies, deliver_to=e.deliver_to)
    return _applicant(f"passed_{e.level.value}", e.application_id)


def _recommended(e: HRBureauRecommended, plan: Plan) -> Message:
    """For a 市直 case the city HR bureau is the HR-bureau level itself: it does not recommend to itself."""
    if e.bureau == plan.city_hr_bureau.org_id:
        return _applicant("recommended_city_level", e.application_id)
    return _applicant("recommended_to_city", e.application_id, bureau=org_names(plan).get(e.bureau, e.bureau))


def _objection_resolved(e: ObjectionResolved, plan: Plan) -> list[Message]:
    template = "objection_upheld" if e.upheld else "objection_dismissed"
    return [_applicant(template, e.application_id, reason=e.finding)]


_ROUTES: dict[type[Payload], Callable[..., list[Message]]] = {
    ClosedOverdue: _closed_overdue,
    ObjectionResolved: _objection_resolved,
    UnitAuthorized: _unit_authorized,
    Returned: _returned,
    UnitRejected: (lambda e, p: [
        _applicant("not_passed", e.application_id, step=ReviewLevel.UNIT.value, reason=e.reason)]),
    DepartmentRejected: (lambda e, p: [
        _applicant("not_passed", e.application_id, step=e.level.value, reason=e.reason)]),
    UnitApproved: (lambda e, p: [_applicant("passed_unit", e.application_id)]),
    DepartmentApproved: (lambda e, p: [_passed(e)]),
    HRBureauRecommended: (lambda e, p: [_recommended(e, p)]),
    PublicNoticeStarted: (lambda e, p: [_applicant(
        "public_notice_started", e.application_id, starts_on=e.starts_on, ends_on=e.ends_on, working_days=e.working_days)]),
    PublicNoticeCompleted: (lambda e, p: [_applicant(
        "public_notice_ended_with_objections" if e.objections else "public_notice_ended", e.application_id)]),
    InterviewScheduled: (lambda e, p: [_applicant(
        "interview_scheduled", e.application_id, scheduled_at=_local(e.scheduled_at, p), place=e.place)]),
    InterviewResultRecorded: (lambda e, p: [_applicant(
        "interview_passed" if e.passed else "interview_failed", e.application_id, reason=e.remarks)]),
    FeeRequested: (lambda e, p: [_applicant(
        "fee_due", e.application_id, amount_yuan=e.amount_yuan, due_by=_local(e.due_by, p))]),
    ForwardedToCommittee: (lambda e, p: [_applicant(
        "forwarded_to_committee", e.application_id, committee=e.committee or p.committee_zh)]),
    DeadlineApproaching: _deadline,
    EligibilityAssessed: _eligibility,
}
ROUTED = tuple(_ROUTES)
ROUTED_EVENT_TYPES = frozenset(t.__name__ for t in _ROUTES)


def route(event: Payload, plan: Plan) -> list[Message]:
    """The messages an event asks for; other event types ask for none."""
    handler = _ROUTES.get(type(event))
    if handler is None:
        return []
    messages = handler(event, plan)
    return [Message(m.template, m.recipient_kind, m.recipient_ref, {"plan": plan.short_name_zh, **m.fields},
                    m.application_id, m.contact) for m in messages]
