"""References between topics: an event may arrive before the event it refers to, because topics
are not ordered with each other (an assessment can overtake its application's filing on the way
to review). A handler that meets such a reference raises ReferenceNotYetKnown; the consumer then
retries the record, for at most `wait_seconds` after the first failure, and only then dead-letters
it (a phantom: a bug upstream, or a record that should never have been written).

A consumer that is itself the origin of what a record names (intake, of every application) has
nothing to wait for: it raises PhantomReference, which the consumer dead-letters at once.

How long a record may wait is the service's setting `ZC_REFERENCE_WAIT_SECONDS` (120 by default,
`ServiceSettings.reference_wait_seconds`), given to its consumers; a handler may name its own.
"""
from __future__ import annotations

import time

from contracts.errors import Refused

DEFAULT_WAIT_SECONDS = 120.0


class ReferenceNotYetKnown(Exception):
    """Retryable, not bad data: the record refers to something this consumer has not seen yet."""

    def __init__(self, what: str, wait_seconds: float | None = None) -> None:
        super().__init__(f"refers to {what}, not seen (yet)")
        self.wait_seconds = wait_seconds  # None: as long as the consumer's setting says


# The pause before a batch that met an unseen reference is delivered again. What it waits for is
# usually a few milliseconds behind (the filing on intake's topic, overtaken by its assessment), so
# the first retries come soon and the pauses double up to a second; a flat second stalled the
# partition for a second at every overtaking, and the benchmark's season saw it in its latency tail.
FIRST_RETRY_SECONDS = 0.05
LONGEST_RETRY_SECONDS = 1.0


def retry_pause(waits_in_a_row: int) -> float:
    """Seconds to pause after the `waits_in_a_row`-th consecutive wait (1 for the first)."""
    return min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, min(waits_in_a_row, 32) - 1))


def still_waiting(exc: BaseException, first_failed_at: float, now: float | None = None, *,
                  wait_seconds: float = DEFAULT_WAIT_SECONDS) -> bool:
    """True while a ReferenceNotYetKnown may still be retried (the consumer's question);
    `wait_seconds` is the consumer's setting, for an exception that names no wait of its own."""
    if not isinstance(exc, ReferenceNotYetKnown):
        return False
    elapsed = (time.monotonic() if now is None else now) - first_failed_at
    return elapsed < (wait_seconds if exc.wait_seconds is None else exc.wait_seconds)


class PhantomReference(Refused):
    """Bad data, not retryable: the record names something this consumer is the origin of and
    never made, so it cannot arrive later (dead-lettered at once, like any refused record)."""

    code = "UNKNOWN_REFERENCE"

    def __init__(self, what: str) -> None:
        super().__init__(f"记录引用的对象并非本服务产生（{what}）", f"refers to {what}, which this service never made")
