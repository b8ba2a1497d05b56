"""SQL over the review read models (case_view, archive_view)."""
from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import asyncpg

from contracts.envelope import Role
from contracts.plan import Plan
from services.review.domain.authorization import Principal

# The name is not in the events: it is read from personal_data (the personal-data topic) as the
# inbox is shown; an erased or not yet received person shows an empty name.
_CASE_COLUMNS = ("application_id, stage, level, outcome,"
                 " COALESCE((SELECT p.name FROM personal_data p WHERE p.person_ref = case_view.person_ref), '')"
                 " AS applicant_name, unit_id, unit_name, area, route, specialty,"
                 " revision, interview_required, notice_ends_on, submitted_at")


def _rows(rows) -> list[dict]:
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else str(v) if isinstance(v, uuid.UUID) else v)
             for k, v in dict(r).items()} for r in rows]


async def inbox(pool: asyncpg.Pool, p: Principal, plan: Plan, *, limit: int = 100,
                after: tuple[datetime, uuid.UUID] | None = None) -> dict:
    """One page of the cases waiting for `p`, oldest filing first: `after` is the (submitted_at,
    application_id) of the last case of the page before (plumbing/edges/pages.py)."""
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
    notices = [c for c in cases if c["stage"] == "public_notice"]
    last = cases[-1] if more and cases else None
    return {"role": p.role.value, "cases": _rows(cases), "archive_entries_waiting": _rows(entries),
            "public_notices_running": _rows(notices),
            "deadline": (plan.unit_deadline if p.role is Role.UNIT else plan.city_deadline).isoformat(),
            "next_key": (last["submitted_at"].isoformat(), str(last["application_id"])) if last else None}


async def dashboard(pool: asyncpg.Pool, plan: Plan, now: datetime) -> dict:
    async def counts(column: str) -> dict:
        rows = await pool.fetch(f"SELECT {column} AS k, count(*) AS n FROM case_view GROUP BY 1 ORDER BY 1")
        return {r["k"] or "-": r["n"] for r in rows}

    today = now.astimezone(ZoneInfo(plan.timezone)).date()
    waiting_unit = await pool.fetchval("SELECT count(*) FROM case_view WHERE level = 'unit'"
                                       " AND stage IN ('at_unit', 'awaiting_notice', 'public_notice')")
    waiting_departments = await pool.fetchval(
        "SELECT count(*) FROM case_view WHERE stage IN ('at_construction_authority', 'at_hr_bureau',"
        " 'interview_pending', 'awaiting_recommendation')")
    return {
        "today": today.isoformat(), "total": await pool.fetchval("SELECT count(*) FROM case_view"),
        "by_area": await counts("area"), "by_specialty": await counts("specialty"),
        "by_category": await counts("route"), "by_stage": await counts("stage"),
        "near_deadline": [
            {"deadline": plan.unit_deadline.isoformat(), "level": "unit", "days_left": (plan.unit_deadline - today).days,
             "waiting": waiting_unit},
            {"deadline": plan.city_deadline.isoformat(), "level": "departments",
             "days_left": (plan.city_deadline - today).days, "waiting": waiting_departments}],
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
