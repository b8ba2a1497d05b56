"""Rate limits per principal (the token's subject): a token bucket per caller, in this process.

`per_minute` requests refill steadily, up to `burst` at once. A caller over the limit gets 429 with
Retry-After (seconds until one request is allowed again). Different callers never share a bucket,
so a load of many principals is not throttled by one another. The table is bounded: the callers
idle longest are forgotten first (they are full again by then anyway).
"""
from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

from contracts.errors import Refused


class TooManyRequests(Refused):
    status = 429
    code = "RATE_LIMITED"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"请求过于频繁，请{retry_after}秒后再试", f"too many requests; retry after {retry_after} s",
                         details={"retry_after_seconds": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class RateLimiter:
    def __init__(self, per_minute: int, burst: int, *, clock: Callable[[], float] = time.monotonic,
                 max_callers: int = 100_000) -> None:
        self.rate, self.burst, self.clock, self.max_callers = per_minute / 60.0, max(burst, 1), clock, max_callers
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # caller -> (tokens, at)

    def check(self, caller: str) -> None:
        """Take one request from `caller`'s bucket, or raise TooManyRequests."""
        if self.rate <= 0:
            return  # 0 switches limits off
        now = self.clock()
        tokens, at = self._buckets.pop(caller, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens < 1:
            self._buckets[caller] = (tokens, now)
            raise TooManyRequests(max(1, math.ceil((1 - tokens) / self.rate)))
        self._buckets[caller] = (tokens - 1, now)
        while len(self._buckets) > self.max_callers:
            self._buckets.popitem(last=False)
