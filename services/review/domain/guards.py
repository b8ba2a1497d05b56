"""The refusals every use case shares: wrong stage, wrong level, late, fee option, missing text.

Status codes: a deadline or a fee option is a fact about the case's situation, not a malformed
request, so DEADLINE_PASSED and FEE_OPTION_NOT_SET are 409 Conflicts; missing or unknown input is
a 422 InvalidInput.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from contracts.envelope import Actor
from contracts.errors import Conflict, Forbidden, InvalidInput
from contracts.events import ReviewLevel
from contracts.plan import Plan
from contracts.deadlines import level_deadline
from services.review.domain.case import CLOSED, Case, Stage
from contracts.review_chain import Step, review_chain, step_at

LEVEL_ZH = {
    ReviewLevel.UNIT: "用人单位",
    ReviewLevel.CONSTRUCTION_AUTHORITY: "建设主管部门",
    ReviewLevel.HR_BUREAU: "人力社保部门",
    ReviewLevel.CITY_HR_BUREAU: "市人力社保局",
}
STAGE_ZH = {
    Stage.AT_UNIT: "待单位审查", Stage.AWAITING_NOTICE: "单位审查通过待公示", Stage.PUBLIC_NOTICE: "公示中",
    Stage.AT_CONSTRUCTION_AUTHORITY: "待建设主管部门审查", Stage.AT_HR_BUREAU: "待人力社保部门审查",
    Stage.INTERVIEW_PENDING: "待业务面试", Stage.AWAITING_RECOMMENDATION: "待审核推荐",
    Stage.AT_CITY: "待市人力社保局汇总", Stage.FORWARDED: "已报送评委会", Stage.RETURNED: "已退回修改",
    Stage.CLOSED_REJECTED: "审查不通过（已终止）", Stage.CLOSED_INTERVIEW_FAILED: "面试未通过（已终止）",
    Stage.CLOSED_OVERDUE: "逾期未审核（已终止）", Stage.WITHDRAWN: "已撤回",
}


def local_date(now: datetime, plan: Plan) -> date:
    """Today in the plan's timezone; a naive `now` is a programming error, not user input."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(ZoneInfo(plan.timezone)).date()


def require_case(case: Case | None) -> Case:
    if case is None:
        raise Conflict("案件不存在或尚未受理", "there is no open review case for this application",
                       code="CASE_NOT_OPEN")
    return case


def refuse_if_closed_overdue(case: Case) -> None:
    """A decision after the deadline sweep closed the case is late, and says so (not "wrong stage")."""
    if case.stage == Stage.CLOSED_OVERDUE:
        raise Conflict("逾期不再受理：该申报在审查截止日前未获审核，已被关闭（逾期未审核）",
                       "late decisions are not accepted: the case was closed because its review deadline "
                       "passed without a decision", code="DEADLINE_PASSED", details={"stage": case.stage.value})


def require_stage(case: Case, *stages: Stage, doing_zh: str, doing_en: str) -> None:
    if case.stage not in stages:
        refuse_if_closed_overdue(case)
        raise Conflict(
            f"当前状态为“{STAGE_ZH[case.stage]}”，不能{doing_zh}",
            f"the case is {case.stage.value}; it cannot {doing_en} now",
            code="WRONG_STAGE", details={"stage": case.stage.value, "allowed": [s.value for s in stages]},
        )


def require_text(value: str, field: str, what_zh: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"请填写{what_zh}", f"{field} is required and must not be blank",
                           code="TEXT_REQUIRED", details={"field": field})
    return text


def stage_deadline(case: Case, plan: Plan) -> date | None:
    """The last day someone may act on the case where it waits (contracts/deadlines.py), or None
    when nobody has to: closed, or forwarded to the committee (the fee follows outside review)."""
    level = case.waiting_level
    if level is None or case.stage in CLOSED or case.stage == Stage.FORWARDED:
        return None
    return level_deadline(plan, level, case.summary.unit_area)


def require_in_time(case: Case, now: datetime, plan: Plan) -> None:
    deadline, today, level = stage_deadline(case, plan), local_date(now, plan), case.waiting_level
    if deadline is not None and today > deadline:
        raise Conflict(
            f"逾期不再受理：{LEVEL_ZH[level]}审查截止日期为{deadline:%Y年%m月%d日}（{plan.timezone}），"
            f"今天是{today:%Y年%m月%d日}。已提交的材料保持不变。",
            f"late material is not accepted: the {level.value} deadline was {deadline.isoformat()} "
            f"({plan.timezone}) and today is {today.isoformat()}; nothing already filed has changed",
            code="DEADLINE_PASSED", details={"level": level.value, "deadline": deadline.isoformat()},
        )


def require_eligible(case: Case) -> None:
    """The rules are checked again at every level (SPEC 3): the case carries the result of the
    latest assessment (recomputed for every revision), and no level may pass what it fails."""
    if not case.eligible:
        raise Conflict("资格校验未通过的申报不能审查通过，请退回修改或审查不通过",
                       "an application that failed the eligibility rules cannot pass; return it or reject it",
                       code="INELIGIBLE")


def acting_step(case: Case, actor: Actor, plan: Plan) -> Step:
    """The step the case is at, checked against the acting organisation: an organisation outside
    the chain is Forbidden; one in the chain at another level is a Conflict (not its turn)."""
    chain = review_chain(plan, case.summary)
    level = case.level
    if level is None:
        refuse_if_closed_overdue(case)
        raise Conflict(f"当前状态为“{STAGE_ZH[case.stage]}”，不在任何审查环节",
                       f"the case is {case.stage.value}; no level can act on it", code="WRONG_STAGE")
    step = step_at(chain, level)
    if actor.organisation == step.org_id:
        return step
    if any(s.org_id == actor.organisation for s in chain):
        raise Conflict(f"案件当前在{LEVEL_ZH[level]}（{step.org_name_zh}）环节，不在贵单位审查环节",
                       f"the case is at the {level.value} level ({step.org_id}), not yours",
                       code="WRONG_STAGE", details={"level": level.value, "org": step.org_id})
    raise Forbidden("贵单位不在该申报人的审查链上", "your organisation is not in this case's review chain",
                    code="NOT_IN_CHAIN")


def require_fee_waived(case: Case, step: Step) -> None:
    if not case.fee_waived(step.level):
        raise Conflict(
            f"{step.org_name_zh}尚未将收费选项设置为“不收费”，请先设置后再审查",
            f"{step.org_id} must set its fee option to 'no charge' (不收费) before deciding",
            code="FEE_OPTION_NOT_SET", details={"level": step.level.value, "department": step.org_id},
        )
