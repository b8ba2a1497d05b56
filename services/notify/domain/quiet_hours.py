"""Optional quiet hours: a message due inside the window is held until the window ends.

Times are wall-clock in the plan's time zone; the window may cross midnight (21:00-08:00).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo


@dataclass(frozen=True)
class QuietHours:
    start: time  # e.g. 21:00
    end: time  # e.g. 08:00; start == end means no quiet hours

    def contains(self, t: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end  # the window crosses midnight


def send_time(now: datetime, quiet: QuietHours | None, tz: tzinfo) -> datetime:
    """`now` when outside the window, else the window's end (today or tomorrow), in `tz`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(tz)
    if quiet is None or not quiet.contains(local.time().replace(tzinfo=None)):
        return now
    release = datetime.combine(local.date(), quiet.end, tzinfo=tz)
    if release <= local:  # in the evening part of a window that ends tomorrow morning
        release += timedelta(days=1)
    return release
