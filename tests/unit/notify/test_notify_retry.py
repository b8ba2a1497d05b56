import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.notify.domain.retry import RetryPolicy, backoff_delays


@given(attempts=st.integers(0, 80), base=st.floats(0, 10), cap=st.floats(0, 120), seed=st.integers())
def test_each_delay_lies_between_zero_and_the_capped_exponential(attempts, base, cap, seed):
    delays = backoff_delays(attempts, base, cap, random.Random(seed))
    assert len(delays) == attempts
    for i, d in enumerate(delays):
        assert 0 <= d <= min(cap, base * 2 ** i)


def test_the_same_seed_gives_the_same_delays_and_jitter_spreads_them():
    a = backoff_delays(6, 0.5, 30, random.Random(7))
    assert a == backoff_delays(6, 0.5, 30, random.Random(7))
    assert len(set(a)) == 6


def test_negative_arguments_are_refused():
    with pytest.raises(ValueError):
        backoff_delays(-1, 1, 1, random.Random())


def test_the_policy_gives_up_after_the_last_attempt():
    policy = RetryPolicy(max_attempts=3, base=1, cap=4)
    rng = random.Random(1)
    assert policy.delay(0, rng) is not None and policy.delay(1, rng) is not None
    assert policy.delay(2, rng) is None


def test_retry_after_is_honoured_unless_it_is_too_long_to_wait_inline():
    policy = RetryPolicy(max_attempts=5, max_retry_after=60)
    assert policy.delay(0, random.Random(), retry_after=2.5) == 2.5
    assert policy.delay(0, random.Random(), retry_after=3600) is None
