"""The one clock of every service.

In production it is the real clock. A season that is not now (the 2020 plan in the demo and the
end-to-end tests) runs on a shifted clock: ZC_CLOCK_OFFSET_SECONDS is added to the real time. The
launcher computes the offset once (from ZC_SEASON_START) and hands the same value to all four
processes, so they agree on the date to the second. Domain code never reads a clock: it is given
`now` by the adapter that called this.
"""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta


def offset() -> timedelta:
    return timedelta(seconds=float(os.environ.get("ZC_CLOCK_OFFSET_SECONDS", "0") or 0))


def now() -> datetime:
    return datetime.now(UTC) + offset()


def offset_for(season_start: str) -> float:
    """Seconds to add to the real clock so that it reads `season_start` (ISO 8601) right now."""
    start = datetime.fromisoformat(season_start)
    if start.tzinfo is None:
        raise ValueError("ZC_SEASON_START needs a UTC offset, e.g. 2020-08-10T09:00:00+08:00")
    return (start - datetime.now(UTC)).total_seconds()


if __name__ == "__main__":
    import sys

    print(f"{offset_for(sys.argv[1]):.0f}")
