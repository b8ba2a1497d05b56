"""Late material is not accepted at intake's door either (逾期不再受理, 通知 四(五)).

A first filing must reach the unit while it can still act: on or before the unit deadline
(所在单位审核报送截止时间为8月20日). A correction goes back to the level that returned it, so it is
accepted until that level's deadline (`contracts/deadlines.py`). Refused, nothing is stored.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from contracts.deadlines import level_deadline
from contracts.errors import Conflict
from contracts.events import ReviewLevel
from contracts.plan import Plan


def _today(now: datetime, plan: Plan) -> date:
    return now.astimezone(ZoneInfo(plan.timezone)).date()


def _late(what_zh: str, what_en: str, deadline: date, today: date, level: ReviewLevel) -> Conflict:
    return Conflict(f"逾期不再受理：{what_zh}截止日期为{deadline:%Y年%m月%d日}，今天是{today:%Y年%m月%d日}",
                    f"late material is not accepted: {what_en} closed on {deadline.isoformat()}, "
                    f"today is {today.isoformat()}", code="DEADLINE_PASSED",
                    details={"level": level.value, "deadline": deadline.isoformat()})


def require_filing_open(now: datetime, plan: Plan) -> None:
    today = _today(now, plan)
    if today > plan.unit_deadline:
        raise _late("单位审核报送", "filing (the unit's review)", plan.unit_deadline, today, ReviewLevel.UNIT)


def require_resubmission_open(now: datetime, plan: Plan, returned_by: ReviewLevel, area: str) -> None:
    today, deadline = _today(now, plan), level_deadline(plan, returned_by, area)
    if today > deadline:
        raise _late("退回修改后重新提交（回到退回环节）", f"resubmission to the {returned_by.value} level",
                    deadline, today, returned_by)
