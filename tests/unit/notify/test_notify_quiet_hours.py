from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from services.notify.domain.quiet_hours import QuietHours, send_time

SH = ZoneInfo("Asia/Shanghai")
NIGHT = QuietHours(time(21), time(8))


def at(day, hour, minute=0):
    return datetime(2020, 8, day, hour, minute, tzinfo=SH)


def test_a_message_in_the_day_goes_now():
    assert send_time(at(3, 14), NIGHT, SH) == at(3, 14)


def test_a_late_evening_message_is_held_until_the_next_morning():
    assert send_time(at(3, 22, 30), NIGHT, SH) == at(4, 8)


def test_an_early_morning_message_is_held_until_eight_the_same_day():
    assert send_time(at(4, 6, 15), NIGHT, SH) == at(4, 8)


def test_the_edges_of_the_window():
    assert send_time(at(3, 21), NIGHT, SH) == at(4, 8)
    assert send_time(at(4, 8), NIGHT, SH) == at(4, 8)


def test_now_in_utc_is_judged_in_the_plans_time_zone():
    now = datetime(2020, 8, 3, 14, 0, tzinfo=timezone.utc)  # 22:00 in Shaoxing
    assert send_time(now, NIGHT, SH) == at(4, 8)


def test_a_window_within_one_day_and_no_window_at_all():
    lunch = QuietHours(time(12), time(13, 30))
    assert send_time(at(3, 12, 10), lunch, SH) == at(3, 13, 30)
    assert send_time(at(3, 23), None, SH) == at(3, 23)
    assert send_time(at(3, 23), QuietHours(time(8), time(8)), SH) == at(3, 23)


def test_a_naive_now_is_refused():
    with pytest.raises(ValueError):
        send_time(datetime(2020, 8, 3, 22), NIGHT, SH)
