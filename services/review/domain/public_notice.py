"""The unit's public notice (公示): at least n Chinese working days, objections, result + forward.

A notice may not start before today, and may not be planned to end after the unit deadline:
its result could then never be recorded in time, and the unit would learn it only at the end.
Completion is allowed on the last notice day itself (the unit records the result at close of
business) or any day after it, up to the unit deadline.
"""
from __future__ import annotations

from contracts.errors import Conflict, InvalidInput
from contracts.events import ObjectionRecorded, Payload, PublicNoticeCompleted, PublicNoticeStarted, ReviewLevel
from contracts.plan import Plan
from contracts.working_days import add_working_days
from services.review.domain.case import Case, Stage
from services.review.domain.commands import CompletePublicNotice, RecordObjection, StartPublicNotice
from services.review.domain.guards import (acting_step, local_date, require_case, require_in_time,
                                           require_stage, require_text)


def start_notice(case: Case | None, cmd: StartPublicNotice, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.AWAITING_NOTICE, doing_zh="开始公示", doing_en="start its public notice")
    acting_step(case, cmd.actor, plan)
    require_in_time(ReviewLevel.UNIT, now, plan)
    today = local_date(now, plan)
    if cmd.starts_on < today:
        raise InvalidInput(f"公示开始日期{cmd.starts_on}早于今天{today}", f"the notice cannot start in the past "
                           f"({cmd.starts_on} < {today})", code="NOTICE_START_IN_PAST")
    days = plan.public_notice_working_days
    ends_on = add_working_days(cmd.starts_on, days)
    if ends_on > plan.unit_deadline:
        raise Conflict(f"逾期不再受理：公示期（{days}个工作日）将于{ends_on}结束，晚于单位截止日期{plan.unit_deadline}",
                       f"late: a {days}-working-day notice starting {cmd.starts_on} ends {ends_on}, "
                       f"after the unit deadline {plan.unit_deadline}",
                       code="NOTICE_ENDS_AFTER_DEADLINE", details={"ends_on": ends_on.isoformat()})
    return [PublicNoticeStarted(application_id=case.application_id, starts_on=cmd.starts_on,
                                ends_on=ends_on, working_days=days)]


def record_objection(case: Case | None, cmd: RecordObjection, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.PUBLIC_NOTICE, doing_zh="登记公示异议", doing_en="record an objection")
    acting_step(case, cmd.actor, plan)
    require_in_time(ReviewLevel.UNIT, now, plan)
    summary = require_text(cmd.summary, "summary", "异议内容")
    return [ObjectionRecorded(application_id=case.application_id, summary=summary)]


def complete_notice(case: Case | None, cmd: CompletePublicNotice, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.PUBLIC_NOTICE, doing_zh="结束公示并推荐", doing_en="complete its notice")
    acting_step(case, cmd.actor, plan)
    require_in_time(ReviewLevel.UNIT, now, plan)
    today = local_date(now, plan)
    if today < case.notice_ends_on:
        raise Conflict(f"公示期至{case.notice_ends_on}结束，尚未期满", f"the notice runs until "
                       f"{case.notice_ends_on}; it has not ended", code="NOTICE_NOT_ENDED",
                       details={"ends_on": case.notice_ends_on.isoformat()})
    result = require_text(cmd.result, "result", "公示结果")
    return [PublicNoticeCompleted(application_id=case.application_id, objections=len(case.objections),
                                  result=result)]
