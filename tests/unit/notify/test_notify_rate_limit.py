from datetime import datetime, timedelta, timezone

from services.notify.domain.rate_limit import DEFAULT_WINDOWS, Window, check

T0 = datetime(2020, 8, 3, 9, 0, tzinfo=timezone.utc)


def test_a_recipient_with_no_history_may_be_sent_to_now():
    assert check([], T0).allowed


def test_a_second_message_within_the_minute_waits_for_the_minute_to_pass():
    d = check([T0], T0 + timedelta(seconds=20))
    assert not d.allowed and d.next_at == T0 + timedelta(minutes=1)
    assert check([T0], T0 + timedelta(minutes=1)).allowed


def test_the_hourly_window_holds_the_sixth_message_until_the_first_ages_out():
    history = [T0 + timedelta(minutes=10 * i) for i in range(5)]  # 09:00 .. 09:40
    d = check(history, T0 + timedelta(minutes=45))
    assert not d.allowed and d.next_at == T0 + timedelta(hours=1)


def test_the_latest_window_to_open_decides():
    history = [T0 + timedelta(minutes=10 * i) for i in range(5)]
    d = check(history, T0 + timedelta(minutes=40, seconds=30), DEFAULT_WINDOWS)
    assert d.next_at == T0 + timedelta(hours=1)  # the minute window opens sooner, the hour window later


def test_messages_to_other_recipients_do_not_count_and_old_ones_age_out():
    windows = [Window(timedelta(days=1), 2)]
    assert check([T0 - timedelta(days=2), T0 - timedelta(days=1)], T0, windows).allowed
    assert not check([T0 - timedelta(hours=2), T0 - timedelta(hours=1)], T0, windows).allowed
