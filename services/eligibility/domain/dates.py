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
    """Full years covered by inclusive periods (e.g. appointment letters), counted to `until`.

    Periods that overlap or follow each other merge into one; each merged span counts like
    `full_years` (an open letter from 2015-12-31 covers 5 years to 2020-12-31). Leftover days of
    separate spans add up to a year at 366 days, so no span is credited more than its full years.
    """
    spans: list[list[date]] = []
    for start, end in sorted(periods):
        end = min(end + timedelta(days=1), until)  # exclusive end, counted to `until`
        if start >= end:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    years = sum(full_years(s, e) for s, e in spans)
    leftover = sum((e - _add_years(s, full_years(s, e))).days for s, e in spans)
    return years + leftover // 366


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return date(day.year + years, 3, 1)


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
