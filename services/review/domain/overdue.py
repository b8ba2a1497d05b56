"""The deadline sweep's decision: a case still waiting where a deadline has passed is closed
(逾期未审核; for a returned case nobody resubmitted in time, 逾期未重新提交), so no case is left
stranded and its applicant and unit are told (ClosedOverdue carries what the SMS say).

Late actions were refused before this existed (逾期不再受理) but left the case open for ever; the
sweep gives every such case an end. Refusals say why a case is not (or no longer) to be swept.
"""
from __future__ import annotations

from contracts.errors import Conflict
from contracts.events import CaseClosed, ClosedOverdue, Payload
from contracts.plan import Plan
from contracts.review_chain import review_chain, step_at, unit_org
from services.review.domain.case import Case, Stage
from services.review.domain.commands import CloseOverdue
from services.review.domain.guards import local_date, require_case, stage_deadline

REASON_REVIEW = "逾期未审核"
REASON_RESUBMIT = "逾期未重新提交"


def close_overdue(case: Case | None, cmd: CloseOverdue, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    deadline = stage_deadline(case, plan)
    if deadline is None:
        raise Conflict("案件已结束或已报送，无需处理", "the case is closed or forwarded", code="NOT_WAITING",
                       details={"stage": case.stage.value})
    if local_date(now, plan) <= deadline:
        raise Conflict(f"截止日期{deadline}尚未过", f"the deadline {deadline} has not passed", code="NOT_OVERDUE",
                       details={"deadline": deadline.isoformat()})
    level = case.waiting_level
    returned = case.stage == Stage.RETURNED
    waiting_for = "applicant" if returned else step_at(review_chain(plan, case.summary), level).org_id
    return [ClosedOverdue(application_id=case.application_id, level=level, waiting_for=waiting_for,
                          deadline=deadline, reason=REASON_RESUBMIT if returned else REASON_REVIEW,
                          unit_org=unit_org(case.summary)),
            CaseClosed(application_id=case.application_id, final_status="overdue", level=level)]
