"""The pause before a batch that met an unseen reference is delivered again: short at first (what it
waits for is usually milliseconds behind), doubling, never over a second, never below the first."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from plumbing.core.references import FIRST_RETRY_SECONDS, LONGEST_RETRY_SECONDS, retry_pause


def test_the_first_retry_comes_soon_and_the_pauses_double():
    assert [retry_pause(n) for n in range(1, 6)] == [0.05, 0.1, 0.2, 0.4, 0.8]
    assert retry_pause(6) == LONGEST_RETRY_SECONDS


@given(st.integers(min_value=0, max_value=10**9))
def test_a_pause_is_bounded_and_never_shorter_than_the_one_before(n):
    assert FIRST_RETRY_SECONDS <= retry_pause(n) <= LONGEST_RETRY_SECONDS
    assert retry_pause(n + 1) >= retry_pause(n)
