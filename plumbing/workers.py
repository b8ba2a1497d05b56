"""A service's background loops (relay, stall watch, projections, dispatcher, followers), each kept
running for as long as the service runs.

Each loop already reconnects after the failures it expects (plumbing/loops.keep_running). This is
the layer beneath: a loop that crashes on anything else, or returns while the service still runs,
is logged with its traceback, counted, and started again after a back-off (1 s doubling to 30 s,
back to 1 s once a run lasted a minute). Without it one unexpected exception ended a loop for good:
the process stayed alive, so supervisord did not restart it, and /readyz stayed red until an
operator restarted the service by hand. While a worker waits to start again /readyz says which and
why.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from plumbing.logging import get_logger
from plumbing.loops import cancelled_for_real, nap

log = get_logger(__name__)

FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
STEADY_AFTER_S = 60.0  # a run that lasted this long resets the back-off


@dataclass
class Worker:
    name: str
    start: Callable[[], Awaitable[None]]  # a new run of the loop each call
    stopping: asyncio.Event
    on_crash: Callable[[str], None] = lambda _name: None
    crashes: int = 0
    last_error: str = ""
    down_since: float | None = None  # monotonic time of the last crash while it waits to start again
    _backoff: float = field(default=FIRST_BACKOFF_S, repr=False)

    async def run(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            self.down_since = None
            try:
                await self.start()
                if self.stopping.is_set():
                    return
                error = "returned while the service still runs"
                log.error("worker.returned", worker=self.name)
            except asyncio.CancelledError:
                if cancelled_for_real():
                    raise
                error = "CancelledError that nobody asked for (a client's connection closed)"
                log.error("worker.crashed", worker=self.name, error=error)
            except Exception as exc:  # noqa: BLE001 - whatever it was, the loop must come back
                error = f"{type(exc).__name__}: {exc}"[:300]
                log.exception("worker.crashed", worker=self.name)
            self.crashes += 1
            self.last_error, self.down_since = error, time.monotonic()
            self.on_crash(self.name)
            if time.monotonic() - started >= STEADY_AFTER_S:
                self._backoff = FIRST_BACKOFF_S
            await nap(self.stopping, self._backoff)
            self._backoff = min(self._backoff * 2, MAX_BACKOFF_S)

    def reason(self) -> str | None:
        """Why this worker is not running now (None while it runs)."""
        if self.down_since is None:
            return None
        return (f"{self.name} crashed ({self.last_error}); starting again "
                f"({self.crashes} crash{'es' if self.crashes != 1 else ''} so far)")
