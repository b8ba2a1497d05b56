"""When the watchdog kills: only after enough failed probes in a row, never in a process's grace."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zc.watchdog import Watch


def test_a_process_is_killed_after_the_allowed_failures_in_a_row_and_counting_starts_again():
    watch = Watch(failures_allowed=3, grace_s=60)
    assert [watch.decide("review", 100, False) for _ in range(4)] == [False, False, True, False]


def test_an_answer_clears_the_count_and_a_young_or_not_running_process_is_never_killed():
    watch = Watch(failures_allowed=2, grace_s=60)
    assert watch.decide("review", 100, False) is False
    assert watch.decide("review", 100, True) is False
    assert watch.decide("review", 100, False) is False  # one in a row again
    assert watch.decide("review", 59, False) is False  # within its grace: starting up
    assert watch.decide("review", None, False) is False  # not RUNNING: supervisord's business
    assert watch.failures["review"] == 0


@given(st.lists(st.booleans(), max_size=60), st.integers(min_value=1, max_value=8))
def test_never_killed_unless_the_last_probes_all_failed(answers, allowed):
    watch = Watch(failures_allowed=allowed, grace_s=0)
    streak = 0
    for answered in answers:
        killed = watch.decide("x", 1000, answered)
        streak = 0 if answered else streak + 1
        assert killed == (streak == allowed)
        if killed:
            streak = 0
