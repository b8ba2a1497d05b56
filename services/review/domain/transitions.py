"""How each review event changes a case: `evolve` and `fold`, the case's own projection.

Kept apart from `case.py` so the state type stays readable; every handler trusts the event,
because `decide` already refused anything invalid before it was recorded.
"""
from __future__ import annotations

from dataclasses import replace
from functools import reduce
from typing import Callable, Iterable

from contracts import events as ev
from contracts.events import ReviewLevel
from services.review.domain.case import (INTERVIEW_ROUTES, NEVER_OPENED, STAGE_AFTER_RETURN, Case, NeverOpened,
                                         Stage)

_CLOSED_BY_STATUS = {
    "rejected": Stage.CLOSED_REJECTED,
    "interview_failed": Stage.CLOSED_INTERVIEW_FAILED,
    "withdrawn": Stage.WITHDRAWN,
    "forwarded": Stage.FORWARDED,
    "overdue": Stage.CLOSED_OVERDUE,
}


def _opened(case: Case | None, e: ev.CaseOpened) -> Case:
    route = e.route_used or e.summary.route  # the route that qualified decides the interview
    interview = e.outcome == ev.Outcome.ELIGIBLE_INTERVIEW_REQUIRED or route in INTERVIEW_ROUTES
    if case is None:
        return Case(e.application_id, e.revision, e.outcome, e.summary, interview_required=interview,
                    route_used=e.route_used, checks=tuple(e.checks), plan_id=e.plan_id, plan_version=e.plan_version)
    # A resubmission goes back to the level that returned it (contracts/deadlines.py says why).
    # Returned by the unit (also during its notice): the unit reviews again and the notice runs
    # again (the content changed). Returned by a department or the city: the unit's pass and its
    # notice stand, and the returning level checks the correction. An interview already passed and
    # the departments' fee options stay valid for the person.
    back_to = STAGE_AFTER_RETURN[case.last_return.level] if case.last_return else Stage.AT_UNIT
    reopened = replace(case, revision=e.revision, outcome=e.outcome, summary=e.summary, stage=back_to,
                       interview_required=interview, route_used=e.route_used, checks=tuple(e.checks))
    if back_to != Stage.AT_UNIT:
        return reopened
    return replace(reopened, notice_starts_on=None, notice_ends_on=None, objections=(), objections_resolved=0,
                   notice_result="")


def _after_department(case: Case, e: ev.DepartmentApproved) -> Case:
    if e.level == ReviewLevel.CONSTRUCTION_AUTHORITY:
        return replace(case, stage=Stage.AT_HR_BUREAU)
    needs_interview = case.interview_required and not case.interview_passed
    return replace(case, stage=Stage.INTERVIEW_PENDING if needs_interview else Stage.AWAITING_RECOMMENDATION)


def _interview(case: Case, e: ev.InterviewResultRecorded) -> Case:
    stage = Stage.AWAITING_RECOMMENDATION if e.passed else Stage.CLOSED_INTERVIEW_FAILED
    return replace(case, interview_passed=e.passed, stage=stage,
                   closed_level=None if e.passed else ReviewLevel.HR_BUREAU)


def _closed(case: Case, e: ev.CaseClosed) -> Case:
    return replace(case, stage=_CLOSED_BY_STATUS.get(e.final_status, Stage.CLOSED_REJECTED),
                   closed_level=e.level or case.closed_level)


_HANDLERS: dict[type, Callable[[Case, ev.Payload], Case]] = {
    ev.UnitApproved: lambda c, e: replace(c, stage=Stage.AWAITING_NOTICE),
    ev.UnitRejected: lambda c, e: replace(c, stage=Stage.CLOSED_REJECTED, closed_level=ReviewLevel.UNIT),
    ev.Returned: lambda c, e: replace(c, stage=Stage.RETURNED, last_return=e),
    ev.PublicNoticeStarted: lambda c, e: replace(c, stage=Stage.PUBLIC_NOTICE, notice_starts_on=e.starts_on,
                                                 notice_ends_on=e.ends_on),
    ev.ObjectionRecorded: lambda c, e: replace(c, objections=c.objections + (e.summary,)),
    ev.ObjectionResolved: lambda c, e: replace(c, objections_resolved=max(c.objections_resolved, e.number)),
    ev.ClosedOverdue: lambda c, e: c,  # the CaseClosed recorded with it closes the case
    ev.PublicNoticeCompleted: lambda c, e: replace(c, stage=Stage.AT_CONSTRUCTION_AUTHORITY,
                                                   notice_result=e.result),
    ev.FeeOptionSet: lambda c, e: replace(c, fee_options={**c.fee_options, e.level: e.charge}),
    ev.DepartmentApproved: _after_department,
    ev.DepartmentRejected: lambda c, e: replace(c, stage=Stage.CLOSED_REJECTED, closed_level=e.level),
    ev.InterviewScheduled: lambda c, e: replace(c, interview_at=e.scheduled_at),
    ev.InterviewResultRecorded: _interview,
    ev.HRBureauRecommended: lambda c, e: replace(c, stage=Stage.AT_CITY),
    ev.ForwardedToCommittee: lambda c, e: replace(c, stage=Stage.FORWARDED, committee_batch=e.batch_id),
    ev.FeeRequested: lambda c, e: replace(c, fee_requested=e.amount_yuan, fee_due_by=e.due_by),
    ev.FeePaid: lambda c, e: replace(c, fee_paid=True),
    ev.CaseClosed: _closed,
    ev.CaseMovedTo: lambda c, e: c,  # says who acts next; the stage already knows
}


def apply(case: Case | None, event: ev.Payload) -> Case:
    if isinstance(event, ev.CaseOpened):
        return _opened(case, event)
    if case is None:
        raise ValueError(f"{type(event).__name__} before CaseOpened: the stream is corrupt")
    handler = _HANDLERS.get(type(event))
    if handler is None:
        raise TypeError(f"{type(event).__name__} is not a review-case event")
    return handler(case, event)


def evolve(case: Case | None, event: ev.Payload) -> Case:
    """The state after `event`. Unknown payload types are a bug in the stream: TypeError."""
    new = apply(case, event)
    return replace(new, version=new.version + 1, history=new.history + (event,))


def fold(events: Iterable[ev.Payload], case: Case | None = None) -> Case | None:
    return reduce(evolve, events, case)


def evolve_stream(state: Case | NeverOpened | None, event: ev.Payload) -> Case | NeverOpened:
    """`evolve` for a whole case stream, which may start with the withdrawn-before-open marker."""
    if state is None and isinstance(event, ev.CaseClosed):
        return NEVER_OPENED
    if isinstance(state, NeverOpened):
        return state
    return evolve(state, event)
