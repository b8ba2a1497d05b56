"""Percentiles and medians of measurements."""
from __future__ import annotations

import statistics


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None
