"""The one clock of every service.

In production it is the real clock. A season that is not now (the 2020 plan in the demo and the
end-to-end tests) runs on a shifted clock: an offset in seconds is added to the real time.
- ZC_CLOCK_OFFSET_SECONDS: a fixed offset, computed once by the launcher and handed to every
  process, so they agree on the date to the second;
- ZC_CLOCK_FILE: a file holding the offset, re-read when it changes. `make up` uses it so that the
  demo can move the whole season forward (e.g. past a 5-working-day public notice) without
  restarting anything. Never set it in production.
Domain code never reads a clock: it is given `now` by the adapter that called this.
"""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from plumbing.settings import ClockSettings

_cache: dict[str, tuple[float, float]] = {}


def _from_file(path: str) -> float | None:
    try:
        mtime = os.stat(path).st_mtime
    except FileNotFoundError:
        return None
    cached = _cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    value = float(Path(path).read_text().strip() or 0)
    _cache[path] = (mtime, value)
    return value


def offset() -> timedelta:
    given = ClockSettings.current()
    seconds = _from_file(given.clock_file) if given.clock_file else None
    if seconds is None:
        seconds = given.clock_offset_seconds
    return timedelta(seconds=seconds)


def now() -> datetime:
    return datetime.now(UTC) + offset()


def offset_for(season_time: str) -> float:
    """Seconds to add to the real clock so that it reads `season_time` (ISO 8601) right now."""
    moment = datetime.fromisoformat(season_time)
    if moment.tzinfo is None:
        raise ValueError("a season time needs a UTC offset, e.g. 2020-08-10T09:00:00+08:00")
    return (moment - datetime.now(UTC)).total_seconds()


def set_season_time(path: str | Path, season_time: str) -> None:
    """Move every process that reads `path` to `season_time` (demo and tests only)."""
    tmp = Path(f"{path}.tmp")
    tmp.write_text(f"{offset_for(season_time):.3f}\n")
    tmp.replace(path)  # atomic: a reader sees the old or the new offset, never half of one


if __name__ == "__main__":
    import sys

    set_season_time(sys.argv[1], sys.argv[2])
