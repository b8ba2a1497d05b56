"""The unit's own decisions: pass with an opinion, not pass with a reason (ends the case)."""
from __future__ import annotations

from contracts.events import CaseClosed, Payload, ReviewLevel, UnitApproved, UnitRejected
from contracts.plan import Plan
from services.review.domain.case import Case, Stage
from services.review.domain.commands import UnitNotPass, UnitPass
from services.review.domain.guards import (acting_step, require_case, require_eligible, require_in_time,
                                           require_stage, require_text)

UNIT_STAGES = (Stage.AT_UNIT, Stage.AWAITING_NOTICE, Stage.PUBLIC_NOTICE)


def unit_pass(case: Case | None, cmd: UnitPass, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.AT_UNIT, doing_zh="审查通过", doing_en="be passed by the unit")
    acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    require_eligible(case)
    opinion = require_text(cmd.opinion, "opinion", "审查意见")
    return [UnitApproved(application_id=case.application_id, opinion=opinion)]


def unit_not_pass(case: Case | None, cmd: UnitNotPass, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, *UNIT_STAGES, doing_zh="由单位审查不通过", doing_en="be rejected by the unit")
    acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    reason = require_text(cmd.reason, "reason", "不通过理由")
    return [UnitRejected(application_id=case.application_id, reason=reason),
            CaseClosed(application_id=case.application_id, final_status="rejected", level=ReviewLevel.UNIT)]
