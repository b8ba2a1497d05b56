"""The unit's public notice (公示): at least n Chinese working days, objections, result + forward.

- A notice may not start before today, and its last working day must fall before the unit
  deadline: forwarding is allowed only once that day has ended (不少于5个工作日), so on a later
  day, which must still be on or before the unit deadline.
- Objections are recorded while the notice runs (from its first day until the unit forwards).
  Each must be resolved, with its outcome recorded by the unit, before the unit may forward
  (确认无意见后，报送). The notice does not say what an upheld objection does; here it ends the case
  at the unit: the unit answers for the truth of what it forwards and cannot confirm "no objection",
  so it does not recommend (the applicant is told why by SMS). A dismissed objection lets the
  notice run to its end.
"""
from __future__ import annotations

from contracts.errors import Conflict, InvalidInput
from contracts.events import (CaseClosed, ObjectionRecorded, ObjectionResolved, Payload, PublicNoticeCompleted,
                              PublicNoticeStarted, ReviewLevel)
from contracts.plan import Plan
from contracts.working_days import add_working_days
from services.review.domain.case import Case, Stage
from services.review.domain.commands import CompletePublicNotice, RecordObjection, ResolveObjection, StartPublicNotice
from services.review.domain.guards import (acting_step, local_date, require_case, require_in_time,
                                           require_stage, require_text)


def start_notice(case: Case | None, cmd: StartPublicNotice, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.AWAITING_NOTICE, doing_zh="开始公示", doing_en="start its public notice")
    acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    today = local_date(now, plan)
    if cmd.starts_on < today:
        raise InvalidInput(f"公示开始日期{cmd.starts_on}早于今天{today}", f"the notice cannot start in the past "
                           f"({cmd.starts_on} < {today})", code="NOTICE_START_IN_PAST")
    days = plan.public_notice_working_days
    ends_on = add_working_days(cmd.starts_on, days)
    if ends_on >= plan.unit_deadline:
        raise Conflict(f"逾期不再受理：公示期（{days}个工作日）至{ends_on}，期满次日报送将晚于单位截止日期"
                       f"{plan.unit_deadline}",
                       f"late: a {days}-working-day notice starting {cmd.starts_on} ends {ends_on}; forwarding "
                       f"after it would fall after the unit deadline {plan.unit_deadline}",
                       code="NOTICE_ENDS_AFTER_DEADLINE", details={"ends_on": ends_on.isoformat()})
    return [PublicNoticeStarted(application_id=case.application_id, starts_on=cmd.starts_on,
                                ends_on=ends_on, working_days=days)]


def record_objection(case: Case | None, cmd: RecordObjection, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.PUBLIC_NOTICE, doing_zh="登记公示异议", doing_en="record an objection")
    acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    today = local_date(now, plan)
    if today < case.notice_starts_on:
        raise Conflict(f"公示自{case.notice_starts_on}开始，尚未开始", f"the notice starts on {case.notice_starts_on}",
                       code="NOTICE_NOT_STARTED", details={"starts_on": case.notice_starts_on.isoformat()})
    summary = require_text(cmd.summary, "summary", "异议内容")
    return [ObjectionRecorded(application_id=case.application_id, summary=summary)]


def resolve_objection(case: Case | None, cmd: ResolveObjection, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.PUBLIC_NOTICE, doing_zh="登记异议核实结果", doing_en="resolve an objection")
    acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    if case.unresolved_objections == 0:
        raise Conflict("没有待核实的公示异议", "there is no unresolved objection", code="NO_OBJECTION")
    finding = require_text(cmd.finding, "finding", "异议核实结果")
    resolved = ObjectionResolved(application_id=case.application_id, number=case.objections_resolved + 1,
                                 upheld=cmd.upheld, finding=finding)
    if not cmd.upheld:
        return [resolved]
    return [resolved, CaseClosed(application_id=case.application_id, final_status="rejected", level=ReviewLevel.UNIT)]


def complete_notice(case: Case | None, cmd: CompletePublicNotice, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.PUBLIC_NOTICE, doing_zh="结束公示并推荐", doing_en="complete its notice")
    acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    today = local_date(now, plan)
    if today <= case.notice_ends_on:
        raise Conflict(f"公示期至{case.notice_ends_on}（第{plan.public_notice_working_days}个工作日）结束，"
                       f"期满后方可报送", f"the notice runs until the end of {case.notice_ends_on}; it can be "
                       f"completed from the next day", code="NOTICE_NOT_ENDED",
                       details={"ends_on": case.notice_ends_on.isoformat()})
    if case.unresolved_objections:
        raise Conflict(f"公示期间收到的{case.unresolved_objections}条异议尚未登记核实结果，确认无意见后方可报送",
                       f"{case.unresolved_objections} objection(s) recorded during the notice must be resolved "
                       f"first", code="OBJECTION_UNRESOLVED", details={"unresolved": case.unresolved_objections})
    result = require_text(cmd.result, "result", "公示结果")
    return [PublicNoticeCompleted(application_id=case.application_id, objections=len(case.objections),
                                  result=result)]
