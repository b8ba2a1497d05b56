"""Department decisions (建设主管部门, 人力社保部门) and the city's rejection.

A department acts only after setting its fee option to 不收费 on the case: the 2020 platform
shows the switch (default 收费) on each application it reviews, so the option is recorded in the
case's own stream (FeeOptionSet has no application id; the stream gives it one).
"""
from __future__ import annotations

from contracts.errors import Conflict
from contracts.events import (CaseClosed, DepartmentApproved, DepartmentRejected, FeeOptionSet,
                              HRBureauRecommended, Payload, ReviewLevel)
from contracts.plan import Plan
from services.review.domain.case import Case, Stage
from services.review.domain.roster import deliver_to, form_copies
from services.review.domain.commands import DepartmentNotPass, DepartmentPass, RecommendToCity, SetFeeOption
from services.review.domain.guards import (acting_step, require_case, require_eligible, require_fee_waived,
                                           require_in_time, require_stage, require_text)

DEPARTMENT_LEVELS = (ReviewLevel.CONSTRUCTION_AUTHORITY, ReviewLevel.HR_BUREAU)
_DEPARTMENT_STAGES = (Stage.AT_CONSTRUCTION_AUTHORITY, Stage.AT_HR_BUREAU, Stage.INTERVIEW_PENDING,
                      Stage.AWAITING_RECOMMENDATION)


def set_fee_option(case: Case | None, cmd: SetFeeOption, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, *_DEPARTMENT_STAGES, doing_zh="设置收费选项", doing_en="take a fee option")
    step = acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    if cmd.charge and _waived_before(case):
        raise Conflict("审核环节不得收取任何费用：本案已设置“不收费”，不能再改为“收费”",
                       "no fee may be charged at review: once 不收费 is set it cannot become 收费 again",
                       code="REVIEW_IS_FREE", details={"level": step.level.value})
    if case.fee_options.get(step.level, True) == cmd.charge:
        label = "收费" if cmd.charge else "不收费"
        raise Conflict(f"收费选项已是“{label}”", f"the fee option is already {'charge' if cmd.charge else 'no charge'}",
                       code="FEE_OPTION_UNCHANGED")
    return [FeeOptionSet(application_id=case.application_id, department=step.org_id, level=step.level,
                         charge=cmd.charge)]


def _waived_before(case: Case) -> bool:
    """审核环节不得收取任何费用: a 不收费 set at any level keeps the whole review stage free."""
    return any(charge is False for charge in case.fee_options.values())


def department_pass(case: Case | None, cmd: DepartmentPass, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.AT_CONSTRUCTION_AUTHORITY, Stage.AT_HR_BUREAU,
                  doing_zh="审查通过", doing_en="be passed by a department")
    step = acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    require_fee_waived(case, step)
    require_eligible(case)
    opinion = require_text(cmd.opinion, "opinion", "审查意见")
    # 附件3 注: after the HR bureau's online approval the applicant prints the evaluation form and
    # delivers the paper material; the event says how many copies and where.
    hr = step.level == ReviewLevel.HR_BUREAU
    return [DepartmentApproved(application_id=case.application_id, level=step.level, department=step.org_id,
                               opinion=opinion, form_copies=form_copies(case) if hr else 0,
                               deliver_to=deliver_to(case, plan) if hr else "")]


def department_not_pass(case: Case | None, cmd: DepartmentNotPass, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.AT_CONSTRUCTION_AUTHORITY, Stage.AT_HR_BUREAU, Stage.AT_CITY,
                  doing_zh="审查不通过", doing_en="be rejected by a department")
    step = acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    if step.level in DEPARTMENT_LEVELS:
        require_fee_waived(case, step)
    reason = require_text(cmd.reason, "reason", "不通过理由")
    return [DepartmentRejected(application_id=case.application_id, level=step.level,
                               department=step.org_id, reason=reason),
            CaseClosed(application_id=case.application_id, final_status="rejected", level=step.level)]


def recommend_to_city(case: Case | None, cmd: RecommendToCity, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.AWAITING_RECOMMENDATION, doing_zh="审核推荐", doing_en="be recommended to the city")
    step = acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    require_fee_waived(case, step)
    require_eligible(case)
    return [HRBureauRecommended(application_id=case.application_id, bureau=step.org_id,
                                opinion=(cmd.opinion or "").strip())]
