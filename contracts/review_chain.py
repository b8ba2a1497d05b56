"""Who reviews a case, level by level (SPEC 2 and 5, 附件2 二): knowledge review decides with and
notify reminds with, so it lives here once.

The chain is always unit -> construction authority -> HR bureau -> city HR bureau, read from the
plan's receiving-unit table by the unit's area (属地原则):
- a district/county unit: its area's construction authority, then its area's HR bureau;
- a city-level (市直, area "city") unit: 市建设局, then the city HR bureau *as the HR-bureau level*
  (the plan names sx-city-hr as the hr_bureau of area "city"), then the city HR bureau again for
  the city-level aggregation;
- a private enterprise whose personnel files the talent exchange centre keeps files through that
  centre, which then acts at the unit level (附件2 二(三)). The plan has no talent-centre table, so
  its organisation id is derived from the area (`<area>-talent-center`).
"""
from __future__ import annotations

from dataclasses import dataclass

from contracts.application import UnitKind
from contracts.events import ApplicationSummary, ReviewLevel
from contracts.plan import Plan

CHAIN = (ReviewLevel.UNIT, ReviewLevel.CONSTRUCTION_AUTHORITY, ReviewLevel.HR_BUREAU, ReviewLevel.CITY_HR_BUREAU)


@dataclass(frozen=True)
class Step:
    level: ReviewLevel
    org_id: str
    org_name_zh: str


def talent_center_org(area: str) -> str:
    return f"{area}-talent-center"


def files_through_talent_center(summary: ApplicationSummary) -> bool:
    return summary.unit_kind == UnitKind.PRIVATE_ENTERPRISE and summary.personnel_files_at_talent_center


def unit_org(summary: ApplicationSummary) -> str:
    """The organisation that acts at the unit level: the talent centre, or the unit itself."""
    return talent_center_org(summary.unit_area) if files_through_talent_center(summary) else summary.unit_id


def review_chain(plan: Plan, summary: ApplicationSummary) -> tuple[Step, ...]:
    """The ordered review levels with the organisation acting at each. KeyError: unknown area."""
    receiving = plan.receiving_unit(summary.unit_area)
    if files_through_talent_center(summary):
        # The notice says only "人才交流中心": its own wording with the area, never an invented proper name.
        unit = Step(ReviewLevel.UNIT, talent_center_org(summary.unit_area), f"人才交流中心（{receiving.area_zh}）")
    else:
        unit = Step(ReviewLevel.UNIT, summary.unit_id, summary.unit_name)
    city = plan.city_hr_bureau
    return (
        unit,
        Step(ReviewLevel.CONSTRUCTION_AUTHORITY, receiving.construction_authority.org_id,
             receiving.construction_authority.name_zh),
        Step(ReviewLevel.HR_BUREAU, receiving.hr_bureau.org_id, receiving.hr_bureau.name_zh),
        Step(ReviewLevel.CITY_HR_BUREAU, city.org_id, city.name_zh),
    )


def step_at(chain: tuple[Step, ...], level: ReviewLevel) -> Step:
    return next(step for step in chain if step.level == level)


def org_names(plan: Plan) -> dict[str, str]:
    """Every department's Chinese name by its organisation id."""
    names = {plan.city_hr_bureau.org_id: plan.city_hr_bureau.name_zh}
    for unit in plan.receiving_units:
        names[unit.construction_authority.org_id] = unit.construction_authority.name_zh
        names[unit.hr_bureau.org_id] = unit.hr_bureau.name_zh
    return names
