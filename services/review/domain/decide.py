"""`decide(case, command, now=, plan=) -> events`: pure; refuses with contracts.errors.

The events are payloads only: the caller wraps each in an Envelope whose actor is
`command.actor` and whose occurred_at is `now`, which is how every decision records who and when.
A refusal raises and changes nothing.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from contracts.events import Payload
from contracts.plan import Plan
from services.review.domain import (city, commands as c, department_review as dept, interview, opening,
                                    overdue, public_notice, returning, unit_review)
from services.review.domain.case import Case

_USE_CASES: dict[type[c.Command], Callable[..., list[Payload]]] = {
    c.OpenCase: opening.open_case,
    c.CloseWithdrawn: opening.close_withdrawn,
    c.UnitPass: unit_review.unit_pass,
    c.UnitNotPass: unit_review.unit_not_pass,
    c.ReturnForRevision: returning.return_for_revision,
    c.StartPublicNotice: public_notice.start_notice,
    c.RecordObjection: public_notice.record_objection,
    c.ResolveObjection: public_notice.resolve_objection,
    c.CloseOverdue: overdue.close_overdue,
    c.CompletePublicNotice: public_notice.complete_notice,
    c.SetFeeOption: dept.set_fee_option,
    c.DepartmentPass: dept.department_pass,
    c.DepartmentNotPass: dept.department_not_pass,
    c.RecommendToCity: dept.recommend_to_city,
    c.ScheduleInterview: interview.schedule_interview,
    c.RecordInterviewResult: interview.record_interview,
    c.ForwardToCommittee: city.forward,
    c.RequestFee: city.request_fee,
    c.RecordFeePayment: city.record_payment,
}


def decide(case: Case | None, command: c.Command, *, now: datetime, plan: Plan) -> list[Payload]:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if case is not None and case.application_id != command.application_id:
        raise ValueError("the command is for another application than the case")
    return _USE_CASES[type(command)](case, command, now, plan)
