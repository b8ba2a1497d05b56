"""Chinese working days (SPEC 5: the public notice lasts at least 5 working days; reminders come
n working days before a deadline). Shared by review and notify, so it lives here once.

Public holidays and adjusted working days (调休) come from `chinese_calendar`, never from a
weekday guess: a date the library does not cover is refused, because guessing could shorten a
public notice below its legal minimum.

Definitions used everywhere:
- a *working day* is a day `chinese_calendar.is_workday` says people work (this includes an
  adjusted Saturday or Sunday such as 2020-09-27, and excludes a weekday holiday such as 2020-10-05);
- `add_working_days(start, n)` is the last day of a period of n working days that begins on
  `start`: the n-th working day counting `start` itself when it is a working day, otherwise
  counting from the next working day;
- `working_days_before(deadline, n)` is the working day that leaves n working days, itself
  included, before `deadline`.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import chinese_calendar

from contracts.errors import InvalidInput

_ONE_DAY = timedelta(days=1)


class CalendarNotCovered(InvalidInput):
    code = "CALENDAR_NOT_COVERED"


def covered_years() -> tuple[int, int]:
    """The first and last year the installed calendar knows the holidays of."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        first, last = covered_years()
        raise CalendarNotCovered(
            f"日历未收录{day.year}年的节假日安排（仅支持{first}—{last}年），无法计算工作日：{day.isoformat()}",
            f"the holiday calendar does not cover {day.year} (only {first}-{last}); "
            f"cannot count working days at {day.isoformat()}",
            details={"date": day.isoformat(), "covered": [first, last]},
        ) from None


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += _ONE_DAY
    return day


def add_working_days(start: date, n: int) -> date:
    """The last day of a period of `n` working days beginning on `start` (see module doc)."""
    if n < 1:
        raise ValueError(f"a period needs at least one working day, got {n}")
    day = next_working_day(start)
    counted = 1
    while counted < n:
        day += _ONE_DAY
        if is_working_day(day):
            counted += 1
    return day



def working_days_before(deadline: date, n: int, is_workday: Callable[[date], bool] = is_working_day) -> date:
    """The working day that leaves `n` working days (itself included) before `deadline`."""
    day, counted = deadline, 0
    while counted < n:
        day -= _ONE_DAY
        counted += is_workday(day)
    return day
