"""The yearly review plan (评审工作计划) as data: dates, years, thresholds, tables.

A new year's or city's plan is a new JSON file under `contracts/plans/`, not new code. A plan
that does not validate is refused at start-up with the field that is wrong.
"""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from contracts.errors import Refused

PLANS_DIR = Path(__file__).parent / "plans"
DEFAULT_PLAN = "shaoxing-2020"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ContinuingEducationRule(_Frozen):
    record_years: list[int]
    certificate_years: list[int]
    min_total_hours: int
    min_professional_hours: int
    min_general_public_hours: int
    min_industry_public_hours: int


class PhotoRule(_Frozen):
    formats: list[str]
    min_bytes_exclusive: int
    max_bytes_exclusive: int
    min_width_exclusive: int
    min_height_exclusive: int
    min_aspect: float
    max_aspect: float


class Org(_Frozen):
    org_id: str
    name_zh: str


class CityHRBureau(Org):
    phones: list[str]
    address_zh: str


class ReceivingUnit(_Frozen):
    area: str
    area_zh: str
    name_zh: str
    department_zh: str
    phone: str
    address_zh: str
    construction_authority: Org
    hr_bureau: Org


class Plan(_Frozen):
    plan_id: str
    version: str
    title_zh: str
    title_en: str
    short_name_zh: str
    city_zh: str
    timezone: str
    cutoff_date: date
    assessment_years: list[int]
    continuing_education: ContinuingEducationRule
    normal_route_min_years: int
    transfer_route_min_senior_years: int
    transfer_route_min_combined_years: int
    landmark_min_after_senior: int
    landmark_min_after_engineer: int
    social_insurance_min_years: int
    out_of_province_si_lookback_years: int
    appointment_letters_min_years: int
    application_year: int
    previous_failure_year: int
    new_achievement_year: int
    fraud_ban_years: int
    lending_ban_years: int
    home_province_zh: str
    photo: PhotoRule
    self_statement_max_chars: int
    public_notice_working_days: int
    unit_deadline: date
    city_deadline: date
    # The city HR bureau's own working deadline (its aggregation, and the HR-bureau level it plays for
    # 市直 cases): the notice gives none, 9月19日 binds those reporting TO it. Operator data.
    city_working_deadline: date
    reminder_working_days_before: list[int]
    # No fee here: the notice names no amount and no time limit; the city HR bureau sets both in its
    # fee request (RequestFee -> FeeRequested), after forwarding.
    journal_blacklist: list[str]
    reviewable_specialties: list[str]
    max_cited_achievements: int = Field(ge=1)  # 代表性业绩，不宜过多过杂: the notice gives no number
    committee_zh: str
    city_hr_bureau: CityHRBureau
    receiving_units: list[ReceivingUnit]
    # Facts the notice does not give, entered by the plan's operator: field -> why it is unconfirmed.
    # Shown as 待运营方确认 ("to be confirmed by the operator"), never as an official name or number.
    to_be_confirmed_by_operator: dict[str, str] = {}

    @model_validator(mode="after")
    def _consistent(self) -> "Plan":
        if self.unit_deadline > self.city_deadline:
            raise ValueError("unit_deadline must not be after city_deadline")
        if self.city_deadline > self.city_working_deadline:
            raise ValueError("city_working_deadline must not be before city_deadline")
        if len(self.assessment_years) < 1 or not self.receiving_units:
            raise ValueError("assessment_years and receiving_units must not be empty")
        if len({u.area for u in self.receiving_units}) != len(self.receiving_units):
            raise ValueError("receiving_units: each area must appear once")
        return self

    def receiving_unit(self, area: str) -> ReceivingUnit:
        for unit in self.receiving_units:
            if unit.area == area:
                return unit
        raise KeyError(f"area {area!r} is not in plan {self.plan_id}")

    def unconfirmed(self, field: str) -> bool:
        """Whether `field` (a dotted path, e.g. `receiving_units.yuecheng.construction_authority`) is
        operator data still to be confirmed."""
        return field in self.to_be_confirmed_by_operator


class PlanError(ValueError):
    """A plan file that cannot be used; the message names the file and the field."""


def load_plan_file(path: Path) -> Plan:
    try:
        return Plan.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise PlanError(f"plan file not found: {path}") from None
    except json.JSONDecodeError as exc:
        raise PlanError(f"plan file {path} is not valid JSON: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise PlanError(f"plan file {path} is invalid: {problems}") from None


@lru_cache(maxsize=8)
def load_plan(name_or_path: str = DEFAULT_PLAN) -> Plan:
    """A plan by name (a file in contracts/plans) or by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = PLANS_DIR / f"{name_or_path}.json"
    return load_plan_file(path)


# --- the plans an application may cite -------------------------------------------------------


class UnknownPlan(Refused):
    """An event cites a plan (id, version) this service does not ship: bad data, like an unknown
    event version. The consumer dead-letters it (visible, never silently skipped); shipping the
    plan file is the fix."""

    code = "UNKNOWN_PLAN"


class PlanRegistry:
    """Every plan a service can decide with, by (plan_id, version). An application records the plan
    it was filed under in its first event; every later decision looks that plan up here, never
    takes "the plan of the season" from a setting."""

    def __init__(self, plans: list[Plan]) -> None:
        self._plans: dict[tuple[str, str], Plan] = {}
        for plan in plans:
            if (key := (plan.plan_id, plan.version)) in self._plans:
                raise PlanError(f"plan {plan.plan_id} version {plan.version} is defined twice")
            self._plans[key] = plan

    def get(self, plan_id: str, version: str) -> Plan:
        try:
            return self._plans[(plan_id, str(version))]
        except KeyError:
            raise UnknownPlan(f"未知的评审计划{plan_id}（版本{version}）",
                              f"plan {plan_id} version {version} is not among this service's plans",
                              details={"plan_id": plan_id, "plan_version": version}) from None

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._plans

    def __iter__(self):
        return iter(self._plans.values())


def plan_files(plans_dir: Path = PLANS_DIR) -> list[Path]:
    return sorted(plans_dir.glob("*.json"))


@lru_cache(maxsize=8)
def plan_registry(*also: str) -> PlanRegistry:
    """The shipped plans (every file of contracts/plans), and `also` (plan names or paths, e.g. the
    plan a service was started with when it is a file elsewhere); one plan named twice counts once."""
    plans = {(p.plan_id, p.version): p for p in map(load_plan_file, plan_files())}
    for name in also:
        extra = load_plan(name)
        if plans.setdefault((extra.plan_id, extra.version), extra) != extra:
            raise PlanError(f"{name}: plan {extra.plan_id} version {extra.version} differs from the shipped one")
    return PlanRegistry(list(plans.values()))
