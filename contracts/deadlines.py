"""Who may act until when (通知 四(五)), once for review (decisions, the sweep), intake (filing,
resubmission) and notify (reminders).

- unit level (用人单位, or the talent exchange centre filing for a private firm): until
  `plan.unit_deadline` (所在单位审核报送截止时间为8月20日);
- the construction authority and a district/county HR bureau: until `plan.city_deadline`
  (统一审核汇总后报绍兴市人力社保局专技处……截止时间为9月19日). That date binds whoever reports *to*
  the city HR bureau;
- the city HR bureau's own work: its aggregation and hand-over, and the HR-bureau level it plays for
  市直 cases (its own 审核推荐 is not a report to itself): until `plan.city_working_deadline`,
  operator data, because the notice gives no date for it.

A correction answering a return goes back to the level that returned it (see
`services/review/domain/transitions.py`), so the applicant may resubmit until that level's deadline.
"""
from __future__ import annotations

from datetime import date

from contracts.events import ReviewLevel
from contracts.plan import Plan


def acts_as_city(plan: Plan, level: ReviewLevel, area: str) -> bool:
    """Whether the city HR bureau itself acts at `level` for a case of `area`."""
    if level == ReviewLevel.CITY_HR_BUREAU:
        return True
    return level == ReviewLevel.HR_BUREAU and plan.receiving_unit(area).hr_bureau.org_id == plan.city_hr_bureau.org_id


def level_deadline(plan: Plan, level: ReviewLevel, area: str) -> date:
    """The last day (plan timezone) on which the organisation acting at `level` may act."""
    if level == ReviewLevel.UNIT:
        return plan.unit_deadline
    if acts_as_city(plan, level, area):
        return plan.city_working_deadline
    return plan.city_deadline
