"""References between topics: an event may arrive before the event it refers to, because topics
are not ordered with each other (an assessment can overtake its application's filing on the way
to review). A handler that meets such a reference raises ReferenceNotYetKnown; the consumer then
retries the record, for at most `wait_seconds` after the first failure, and only then dead-letters
it (a phantom: a bug upstream, or a record that should never have been written).

A consumer that is itself the origin of what a record names (intake, of every application) has
nothing to wait for: it raises PhantomReference, which the consumer dead-letters at once.

| variable | default | meaning |
|---|---|---|
| ZC_REFERENCE_WAIT_SECONDS | 120 | how long a record may wait for what it refers to |
"""
from __future__ import annotations

import os
import time

from contracts.errors import Refused


def reference_wait_seconds() -> float:
    return float(os.environ.get("ZC_REFERENCE_WAIT_SECONDS", "120"))


class ReferenceNotYetKnown(Exception):
    """Retryable, not bad data: the record refers to something this consumer has not seen yet."""

    def __init__(self, what: str, wait_seconds: float | None = None) -> None:
        super().__init__(f"refers to {what}, not seen (yet)")
        self.wait_seconds = reference_wait_seconds() if wait_seconds is None else wait_seconds


# The pause before a batch that met an unseen reference is delivered again. What it waits for is
# usually a few milliseconds behind (the filing on intake's topic, overtaken by its assessment), so
# the first retries come soon and the pauses double up to a second; a flat second stalled the
# partition for a second at every overtaking, and the benchmark's season saw it in its latency tail.
FIRST_RETRY_SECONDS = 0.05
LONGEST_RETRY_SECONDS = 1.0


def retry_pause(waits_in_a_row: int) -> float:
    """Seconds to pause after the `waits_in_a_row`-th consecutive wait (1 for the first)."""
    return min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, min(waits_in_a_row, 32) - 1))


def still_waiting(exc: BaseException, first_failed_at: float, now: float | None = None) -> bool:
    """True while a ReferenceNotYetKnown may still be retried (the consumer's question)."""
    elapsed = (time.monotonic() if now is None else now) - first_failed_at
    return isinstance(exc, ReferenceNotYetKnown) and elapsed < exc.wait_seconds


class PhantomReference(Refused):
    """Bad data, not retryable: the record names something this consumer is the origin of and
    never made, so it cannot arrive later (dead-lettered at once, like any refused record)."""

    code = "UNKNOWN_REFERENCE"

    def __init__(self, what: str) -> None:
        super().__init__(f"记录引用的对象并非本服务产生（{what}）", f"refers to {what}, which this service never made")
