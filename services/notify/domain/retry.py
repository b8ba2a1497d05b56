"""Exponential backoff with full jitter (delay_i uniform in [0, min(cap, base * 2**i)]).

Full jitter spreads the retries of many notifications that failed together (a provider outage)
instead of having them hit the provider again in lock-step.
"""
from __future__ import annotations

import random
from dataclasses import dataclass


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """The wait before retry number `attempt` (0 = the first retry)."""
    ceiling = min(cap, base * (2 ** min(attempt, 62)))  # the min() keeps 2**n finite
    return rng.uniform(0.0, ceiling)


def backoff_delays(attempts: int, base: float, cap: float, rng: random.Random) -> list[float]:
    """The waits before each of `attempts` retries."""
    if attempts < 0 or base < 0 or cap < 0:
        raise ValueError("attempts, base and cap must not be negative")
    return [backoff_delay(i, base, cap, rng) for i in range(attempts)]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5  # the first try included
    base: float = 0.5  # seconds
    cap: float = 30.0
    # A Retry-After longer than this is not waited for in-line: the message fails as retryable
    # and the caller may hold it, rather than block a consumer for minutes.
    max_retry_after: float = 60.0

    def delay(self, retry: int, rng: random.Random, retry_after: float | None = None) -> float | None:
        """Seconds to wait before retry `retry` (0-based), or None when we should give up."""
        if retry + 1 >= self.max_attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        return backoff_delay(retry, self.base, self.cap, rng)
