"""Per-recipient rate limit as sliding windows, pure: history + now -> allowed or when.

Carriers throttle SMS per number (typically 1/minute, 5/hour, 10/day); staying under their
limit avoids silent drops. The caller keeps each recipient's send times (notify's table).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Window:
    length: timedelta
    limit: int


DEFAULT_WINDOWS = (Window(timedelta(minutes=1), 1), Window(timedelta(hours=1), 5), Window(timedelta(days=1), 10))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    next_at: datetime  # now when allowed; otherwise the earliest time every window has room


def check(history: Sequence[datetime], now: datetime, windows: Sequence[Window] = DEFAULT_WINDOWS) -> Decision:
    """Whether one more message to this recipient may go at `now`."""
    earliest = now
    for window in windows:
        recent = sorted(t for t in history if now - window.length < t <= now)
        if len(recent) >= window.limit:
            # Room opens when the oldest message that still counts leaves the window.
            oldest_counting = recent[len(recent) - window.limit]
            earliest = max(earliest, oldest_counting + window.length)
    return Decision(earliest == now, earliest)
