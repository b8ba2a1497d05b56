"""业务面试 for transfer- and landmark-route applicants, after the HR bureau's pass and before its
recommendation. The HR bureau at the case's HR level schedules it and records the result; a
failed interview ends the case, so its remarks (the reason) are required."""
from __future__ import annotations

from contracts.errors import Conflict, InvalidInput
from contracts.events import CaseClosed, InterviewResultRecorded, InterviewScheduled, Payload, ReviewLevel
from contracts.plan import Plan
from services.review.domain.case import Case, Stage
from services.review.domain.commands import RecordInterviewResult, ScheduleInterview
from services.review.domain.guards import acting_step, require_case, require_in_time, require_stage, require_text


def schedule_interview(case: Case | None, cmd: ScheduleInterview, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.INTERVIEW_PENDING, doing_zh="安排面试", doing_en="have an interview scheduled")
    step = acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    if cmd.at.tzinfo is None or cmd.at <= now:
        raise InvalidInput("面试时间须为将来的时间（含时区）", "the interview must be scheduled in the future, "
                           "with a timezone", code="INTERVIEW_TIME_INVALID")
    place = require_text(cmd.place, "place", "面试地点")
    return [InterviewScheduled(application_id=case.application_id, scheduled_at=cmd.at, place=place)]


def record_interview(case: Case | None, cmd: RecordInterviewResult, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.INTERVIEW_PENDING, doing_zh="登记面试结果", doing_en="have an interview result")
    step = acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    if case.interview_at is None or now < case.interview_at:
        raise Conflict("面试尚未举行", "the interview has not taken place yet", code="INTERVIEW_NOT_HELD")
    remarks = (cmd.remarks or "").strip()
    if not cmd.passed:
        remarks = require_text(cmd.remarks, "remarks", "面试未通过的理由")
    events: list[Payload] = [InterviewResultRecorded(application_id=case.application_id,
                                                     passed=cmd.passed, remarks=remarks)]
    if not cmd.passed:
        events.append(CaseClosed(application_id=case.application_id, final_status="interview_failed",
                                 level=ReviewLevel.HR_BUREAU))
    return events
