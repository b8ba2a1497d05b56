"""SQL over the review read models (case_view, archive_view)."""
from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import asyncpg

from contracts.envelope import Role
from contracts.plan import Plan, PlanRegistry
from services.review.domain.authorization import Principal

# The name is not in the events: it is read from personal_data (the personal-data topic) as the
# inbox is shown; an erased or not yet received person shows an empty name.
_CASE_COLUMNS = ("application_id, stage, level, outcome,"
                 " COALESCE((SELECT p.name FROM personal_data p WHERE p.person_ref = case_view.person_ref), '')"
                 " AS applicant_name, unit_id, unit_name, area, route, specialty,"
                 " revision, interview_required, notice_ends_on, submitted_at, plan_id, plan_version")


def _known(plans: PlanRegistry, plan_id: str, version: str) -> Plan | None:
    # a view shows what it can: a row citing a plan this service lacks gets no deadline (the
    # decisions on that case refuse with UNKNOWN_PLAN)
    return plans.get(plan_id, version) if (plan_id, version) in plans else None


def _inbox_deadline(role: Role, plan: Plan) -> str:
    return (plan.unit_deadline if role is Role.UNIT else plan.city_deadline).isoformat()


def _rows(rows) -> list[dict]:
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else str(v) if isinstance(v, uuid.UUID) else v)
             for k, v in dict(r).items()} for r in rows]


async def inbox(pool: asyncpg.Pool, p: Principal, plans: PlanRegistry, open_plan: Plan, *, limit: int = 100,
                after: tuple[datetime, uuid.UUID] | None = None) -> dict:
    """One page of the cases waiting for `p`, oldest filing first: `after` is the (submitted_at,
    application_id) of the last case of the page before (plumbing/edges/pages.py). Each case shows
    the deadline of its own plan; `deadline` is the earliest of the page's, or, when no case waits,
    the season open for filing's (`open_plan`, ZC_PLAN)."""
    where, args = {
        Role.APPLICANT: ("person_ref = $1", [p.person_ref]),
        Role.UNIT: ("COALESCE(unit_org, unit_id) = $1 AND level = 'unit'", [p.org]),
        Role.CONSTRUCTION_AUTHORITY: ("area = $1 AND level = 'construction_authority'", [p.area]),
        Role.HR_BUREAU: ("area = $1 AND level = 'hr_bureau'", [p.area]),
        # The city HR bureau is also the HR-bureau level of city-level units.
        Role.CITY_HR_BUREAU: ("(level = 'city_hr_bureau' AND stage = 'at_city')"
                              " OR (area = 'city' AND level = 'hr_bureau')", []),
        Role.AUDITOR: ("true", []),
    }[p.role]
    n = len(args)
    keyset = (f" AND (submitted_at, application_id) > (${n + 1}::timestamptz, ${n + 2}::uuid)" if after else "")
    cases = await pool.fetch(f"SELECT {_CASE_COLUMNS} FROM case_view WHERE ({where}){keyset}"
                             f" ORDER BY submitted_at, application_id LIMIT {int(limit) + 1}",
                             *args, *(after or ()))
    more = len(cases) > limit
    cases = cases[:limit]
    entries = []
    if p.role is Role.UNIT:  # bounded by the same page size; the oldest first
        entries = await pool.fetch("SELECT entry_id, title, achieved_on, status FROM archive_view"
                                   f" WHERE unit_id = $1 AND status = 'pending' ORDER BY entry_id LIMIT {int(limit)}",
                                   p.org)
    last = cases[-1] if more and cases else None
    rows = _rows(cases)
    for row in rows:
        plan = _known(plans, row["plan_id"], row["plan_version"])
        row["deadline"] = _inbox_deadline(p.role, plan) if plan else None
    notices = [row for row in rows if row["stage"] == "public_notice"]
    deadlines = sorted(row["deadline"] for row in rows if row["deadline"])
    return {"role": p.role.value, "cases": rows, "archive_entries_waiting": _rows(entries),
            "public_notices_running": notices,
            "deadline": deadlines[0] if deadlines else _inbox_deadline(p.role, open_plan),
            "next_key": (last["submitted_at"].isoformat(), str(last["application_id"])) if last else None}


_WAITING_UNIT = "level = 'unit' AND stage IN ('at_unit', 'awaiting_notice', 'public_notice')"
_WAITING_DEPARTMENTS = ("stage IN ('at_construction_authority', 'at_hr_bureau', 'interview_pending',"
                        " 'awaiting_recommendation')")


def _near(plan: Plan, today_of, unit: int, departments: int, *, named: bool) -> list[dict]:
    today = today_of(plan)
    ours = {"plan_id": plan.plan_id, "plan_version": plan.version} if named else {}
    return [{"deadline": plan.unit_deadline.isoformat(), "level": "unit", "days_left": (plan.unit_deadline - today).days,
             "waiting": unit, **ours},
            {"deadline": plan.city_deadline.isoformat(), "level": "departments",
             "days_left": (plan.city_deadline - today).days, "waiting": departments, **ours}]


async def dashboard(pool: asyncpg.Pool, plans: PlanRegistry, open_plan: Plan, now: datetime) -> dict:
    """Counts over every case; the deadlines near are those of each plan cases were filed under
    (each with its cases waiting, named by plan id and version); with no case, the season open for
    filing's (ZC_PLAN). `today` is the open season's day."""
    async def counts(column: str) -> dict:
        rows = await pool.fetch(f"SELECT {column} AS k, count(*) AS n FROM case_view GROUP BY 1 ORDER BY 1")
        return {r["k"] or "-": r["n"] for r in rows}

    def today_of(plan: Plan):
        return now.astimezone(ZoneInfo(plan.timezone)).date()

    per_plan = await pool.fetch(
        f"SELECT plan_id, plan_version, count(*) FILTER (WHERE {_WAITING_UNIT}) AS unit,"
        f" count(*) FILTER (WHERE {_WAITING_DEPARTMENTS}) AS departments"
        " FROM case_view GROUP BY 1, 2 ORDER BY 1, 2")
    near = [entry for r in per_plan if (plan := _known(plans, r["plan_id"], r["plan_version"]))
            for entry in _near(plan, today_of, r["unit"], r["departments"], named=True)]
    return {
        "today": today_of(open_plan).isoformat(), "total": await pool.fetchval("SELECT count(*) FROM case_view"),
        "by_area": await counts("area"), "by_specialty": await counts("specialty"),
        "by_category": await counts("route"), "by_stage": await counts("stage"),
        "near_deadline": near or _near(open_plan, today_of, 0, 0, named=False),
    }


async def roster_ids(pool: asyncpg.Pool, area: str | None) -> list[uuid.UUID]:
    rows = await pool.fetch("SELECT application_id FROM case_view WHERE stage IN ('at_city', 'forwarded')"
                            " AND ($1::text IS NULL OR area = $1)", area)
    return [r["application_id"] for r in rows]


async def notice_ids(pool: asyncpg.Pool, unit_id: str) -> list[uuid.UUID]:
    rows = await pool.fetch("SELECT application_id FROM case_view WHERE COALESCE(unit_org, unit_id) = $1"
                            " AND notice_ends_on IS NOT NULL", unit_id)
    return [r["application_id"] for r in rows]


async def approved_titles(pool: asyncpg.Pool, person_refs: list[str]) -> dict[str, list[str]]:
    rows = await pool.fetch("SELECT person_ref, title FROM archive_view WHERE status = 'approved'"
                            " AND person_ref = ANY($1::text[]) ORDER BY achieved_on", person_refs)
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["person_ref"], []).append(r["title"])
    return out
