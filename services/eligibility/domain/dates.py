"""Date arithmetic for seniority: full years (实足年限) and the day a check is made.

Full years are whole anniversaries: 2015-12-31 -> 2020-12-31 is 5, 2016-01-01 -> 2020-12-31 is 4.
"""
from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from contracts.application import Application
from contracts.plan import Plan


def full_years(start: date, end: date) -> int:
    """Whole years from `start` to `end`; 0 when `end` is before `start`."""
    if end < start:
        return 0
    # A 29 February start has its anniversary on 1 March in common years.
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def covered_full_years(periods: list[tuple[date, date]], until: date) -> int:
    """Full years covered by the union of inclusive periods, clipped at `until`.

    Overlaps count once; the covered days are laid end to end before `until` so that a single
    period gives the same answer as `full_years`.
    """
    clipped = sorted((s, min(e, until)) for s, e in periods if s <= until and s <= e)
    days, cursor = 0, None
    for start, end in clipped:
        if cursor is not None and start <= cursor:
            start = cursor + timedelta(days=1)
        if start <= end:
            days += (end - start).days + 1
            cursor = end
    if days == 0:
        return 0
    return full_years(until + timedelta(days=1) - timedelta(days=days), until)


def as_of(application: Application, plan: Plan) -> date:
    """The day of filing in the plan's time zone; the plan's cut-off for an unsubmitted draft.

    "Currently insured", "in post" and the 挂证 ban are judged on the day of filing, not at the
    seniority cut-off; a draft has no filing day, so it is judged at the cut-off.
    """
    submitted = application.submitted_at
    if submitted is None:
        return plan.cutoff_date
    if submitted.tzinfo is not None:
        submitted = submitted.astimezone(ZoneInfo(plan.timezone))
    return submitted.date()
