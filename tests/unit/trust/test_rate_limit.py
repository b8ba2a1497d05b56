"""Rate limits per caller: a token bucket each, 429 with Retry-After beyond it."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from plumbing.edges.ratelimit import RateLimiter, TooManyRequests


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_caller_over_the_burst_is_told_when_to_retry():
    limiter = RateLimiter(per_minute=60, burst=3, clock=Clock())
    for _ in range(3):
        limiter.check("a")
    with pytest.raises(TooManyRequests) as refused:
        limiter.check("a")
    assert refused.value.status == 429 and refused.value.headers == {"Retry-After": "1"}


def test_the_bucket_refills_with_time():
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=1, clock=clock)
    limiter.check("a")
    with pytest.raises(TooManyRequests):
        limiter.check("a")
    clock.now += 10
    limiter.check("a")


@given(callers=st.integers(min_value=1, max_value=300), each=st.integers(min_value=1, max_value=5))
def test_many_callers_within_their_own_limits_are_never_throttled(callers, each):
    limiter = RateLimiter(per_minute=60, burst=5, clock=Clock())
    for _ in range(each):
        for n in range(callers):
            limiter.check(f"caller-{n}")


def test_the_table_of_callers_is_bounded():
    limiter = RateLimiter(per_minute=60, burst=5, clock=Clock(), max_callers=10)
    for n in range(100):
        limiter.check(str(n))
    assert len(limiter._buckets) == 10
