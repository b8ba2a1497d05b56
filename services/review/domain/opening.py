"""Opening a case, reopening it after a resubmission, closing it on withdrawal.

Ineligible applications are opened too, flagged by their outcome: the unit sees the failed rules
(with their reasons) and can return the application for correction (e.g. hours made up) or not
pass it, but cannot pass it: the rules are checked again at every level (SPEC 3), and a case they
fail must not travel up the chain on a reviewer's word alone.
"""
from __future__ import annotations

from contracts.errors import Conflict
from contracts.events import Acting, CaseClosed, CaseOpened, Payload
from contracts.plan import Plan
from contracts.review_chain import review_chain, step_at
from services.review.domain.acting import first_acting
from services.review.domain.case import CLOSED, Case, Stage
from services.review.domain.commands import CloseWithdrawn, OpenCase
from services.review.domain.guards import require_case, require_text


# What every level checks again (附件2 二.2 and 审查注意事项 2): seniority (the route line), annual
# assessments, continuing-education hours and records, and for public institutions 评聘结合.
CHECKED_AT_EVERY_LEVEL = ("ROUTE_", "ANNUAL_ASSESSMENTS", "CE_", "PI_")


def department_checks(rules) -> list:
    return [r for r in rules if r.code.startswith(CHECKED_AT_EVERY_LEVEL)]


def open_case(case: Case | None, cmd: OpenCase, now, plan: Plan) -> list[Payload]:
    plan.receiving_unit(cmd.summary.unit_area)  # an area outside the plan cannot be routed
    opened = CaseOpened(application_id=cmd.application_id, revision=cmd.revision,
                        outcome=cmd.outcome, summary=cmd.summary, acting=first_acting(cmd.summary),
                        route_used=cmd.route_used, checks=department_checks(cmd.rules),
                        plan_id=plan.plan_id, plan_version=plan.version)
    if case is None:
        return [opened]
    if case.last_return is not None:  # a correction goes back to the level that returned it
        step = step_at(review_chain(plan, cmd.summary), case.last_return.level)
        opened = opened.model_copy(update={"acting": Acting(level=step.level, org_id=step.org_id)})
    if case.stage in CLOSED:
        # e.g. withdrawn while the resubmission was being assessed: the late assessment changes nothing
        raise Conflict("该申报已结束，不再受理", "the case is closed", code="ALREADY_CLOSED",
                       details={"stage": case.stage.value})
    if cmd.revision <= case.revision:
        # at-least-once delivery: a replayed EligibilityAssessed must change nothing
        raise Conflict(f"第{cmd.revision}版申报已受理", f"revision {cmd.revision} was already opened",
                       code="ALREADY_OPEN", details={"revision": case.revision})
    if case.stage != Stage.RETURNED:
        raise Conflict("只有退回修改的申报才能重新提交", "only a returned case can be resubmitted",
                       code="WRONG_STAGE", details={"stage": case.stage.value})
    return [opened]


def close_withdrawn(case: Case | None, cmd: CloseWithdrawn, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    if case.stage in CLOSED:
        raise Conflict("案件已结束", "the case is already closed", code="ALREADY_CLOSED",
                       details={"stage": case.stage.value})
    if case.stage == Stage.FORWARDED:
        # Deliberately not silent: the committee has the file; an operator must tell it (dead letter).
        raise Conflict("已报送评委会的申报不能在本系统撤回，请联系评委会办公室",
                       "a case forwarded to the committee cannot be withdrawn here; contact the committee office",
                       code="FORWARDED_CANNOT_WITHDRAW", details={"stage": case.stage.value})
    require_text(cmd.reason, "reason", "撤回原因")
    return [CaseClosed(application_id=case.application_id, final_status="withdrawn", level=case.level)]
