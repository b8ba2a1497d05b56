from datetime import date

import pytest

from contracts.working_days import (CalendarNotCovered, add_working_days, is_working_day, next_working_day,
                                    working_days_before)


def test_an_ordinary_week_of_five_working_days_ends_on_friday():
    assert add_working_days(date(2020, 7, 6), 5) == date(2020, 7, 10)


def test_the_start_day_counts_when_it_is_a_working_day():
    assert add_working_days(date(2020, 7, 8), 1) == date(2020, 7, 8)


def test_a_notice_starting_on_a_weekend_counts_from_the_next_working_day():
    assert add_working_days(date(2020, 7, 4), 5) == date(2020, 7, 10)


def test_national_day_and_mid_autumn_2020_are_skipped_and_adjusted_workdays_count():
    # 09-27 (Sun) and 10-10 (Sat) are adjusted working days; 10-01..10-08 are holidays
    assert is_working_day(date(2020, 9, 27)) and is_working_day(date(2020, 10, 10))
    assert not any(is_working_day(date(2020, 10, d)) for d in range(1, 9))
    # 09-27, 09-28, 09-29, 09-30, then 10-09
    assert add_working_days(date(2020, 9, 27), 5) == date(2020, 10, 9)
    # 09-30, 10-09, 10-10 (Saturday, worked), 10-12, 10-13
    assert add_working_days(date(2020, 9, 30), 5) == date(2020, 10, 13)


def test_a_notice_started_inside_the_national_day_holiday_begins_after_it():
    assert next_working_day(date(2020, 10, 3)) == date(2020, 10, 9)
    # 10-09, 10-10 (Saturday, worked), 10-12, 10-13, 10-14
    assert add_working_days(date(2020, 10, 3), 5) == date(2020, 10, 14)


def test_the_extended_spring_festival_2020_is_skipped():
    # 01-19 (Sun) was an adjusted working day; the holiday 01-24..02-02 was extended
    assert is_working_day(date(2020, 1, 19))
    assert not any(is_working_day(date(2020, 1, d)) for d in range(24, 32))
    assert not is_working_day(date(2020, 2, 1)) and not is_working_day(date(2020, 2, 2))
    # 01-21, 01-22, 01-23, then 02-03, 02-04
    assert add_working_days(date(2020, 1, 21), 5) == date(2020, 2, 4)


def test_a_reminder_n_working_days_before_and_a_period_of_n_working_days_agree():
    for n in range(1, 10):
        start = working_days_before(date(2020, 10, 12), n)
        assert is_working_day(start) and add_working_days(start, n) < date(2020, 10, 12)


def test_a_year_the_calendar_does_not_cover_is_refused_not_guessed():
    with pytest.raises(CalendarNotCovered) as refused:
        add_working_days(date(2030, 3, 4), 5)
    assert refused.value.code == "CALENDAR_NOT_COVERED" and "2030" in refused.value.message_zh
    with pytest.raises(CalendarNotCovered):
        working_days_before(date(2004, 1, 2), 3)


def test_a_period_of_zero_working_days_is_a_programming_error():
    with pytest.raises(ValueError):
        add_working_days(date(2020, 7, 6), 0)
