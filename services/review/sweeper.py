"""Runs the deadline sweep at start and then every interval, on the season clock.

Running more often than needed is harmless: a case is closed once (its stream version guards it),
and a case not yet overdue is left alone.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg

from plumbing.logging import get_logger
from plumbing.loops import nap

log = get_logger(__name__)


class DeadlineSweeper:
    def __init__(self, run_once: Callable[[], Awaitable[list]], *, interval: float = 60.0) -> None:
        self.run_once, self.interval = run_once, interval
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def tick(self) -> list:
        try:
            return await self.run_once()
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("review.sweep_failed", error=repr(exc))
        except Exception:  # noqa: BLE001 - a bad round must not end the loop; the next one tries again
            log.exception("review.sweep_crashed")
        return []

    async def run(self) -> None:
        while not self._stop.is_set():
            await self.tick()
            await nap(self._stop, self.interval)
