"""The reminder scheduler: runs `run_reminders` for today at start and then every interval.

"Today" is the season clock (plumbing.clock, shifted for a past season) in the plan's time zone.
Running more often than needed is harmless: the reminders table plans each reminder once.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date

import asyncpg

from plumbing.logging import get_logger
from plumbing.loops import nap

log = get_logger(__name__)


class ReminderScheduler:
    def __init__(self, run_once: Callable[[date], Awaitable[list]], today: Callable[[], date], *,
                 interval: float = 3600.0) -> None:
        self.run_once, self.today, self.interval = run_once, today, interval
        self.runs = 0
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def tick(self) -> list:
        try:
            planned = await self.run_once(self.today())
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("reminders.failed", error=repr(exc))
            planned = []
        except Exception:  # noqa: BLE001 - a bad run must not end the loop; the next run tries again
            log.exception("reminders.crashed")
            planned = []
        self.runs += 1
        log.info("reminders.ran", today=self.today().isoformat(), planned=len(planned))
        return planned

    async def run(self) -> None:
        while not self._stop.is_set():
            await self.tick()
            await nap(self._stop, self.interval)
