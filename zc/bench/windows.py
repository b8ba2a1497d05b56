"""A measurement = a workload running while its progress counter is read at window boundaries; the
figure is the median of the windows' rates (each window at least `seconds` long)."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from zc.bench.stats import median

# A window ends at its length AND once progress moved: a part that commits in batches (the consumer
# commits a batch of up to 200 records at a time) shows nothing in a window shorter than one batch, and a zero
# would be a wrong figure, not a slow one. Bounded: a part that stops moving still ends its window.
MOST_EXTRA_SECONDS = 60


async def windows(progress: Callable[[], Awaitable[int]], runs: int, seconds: float) -> dict:
    rates, first, warm_up = [], await progress(), time.perf_counter() + 30
    while await progress() == first and time.perf_counter() < warm_up:
        await asyncio.sleep(0.01)  # connecting and the first round trip are set-up, not throughput
    last_count, last_time = await progress(), time.perf_counter()
    for _ in range(runs):
        await asyncio.sleep(seconds)
        count, now = await progress(), time.perf_counter()
        give_up = now + MOST_EXTRA_SECONDS
        while count == last_count and now < give_up:
            await asyncio.sleep(0.01)
            count, now = await progress(), time.perf_counter()
        rates.append((count - last_count) / (now - last_time))
        last_count, last_time = count, now
    return {"per_s": median(rates), "runs": rates}
