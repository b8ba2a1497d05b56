"""The periodic-job runner: one per service, the only place a periodic job's transactions begin.

A job is a function of a unit-of-work factory: each call of `uow()` is one transaction (a sweep
closes each case in its own, so one failure holds back no other). The runner runs each job at
start and then every `every` seconds, one service instance at a time: it holds a session advisory
lock (per service) on a connection of its own, outside the pool (like the relay: the pool's few
connections are for the units of work, and a holder must never wait for a second one), so a
second instance waits. A
job that needs another isolation than READ COMMITTED names it (`isolation="repeatable_read"`: the
audit checkpoint, whose reads must share one snapshot); its factory's units of work open their
transactions in it, the others' in the default. A job that fails is logged and tried again at its next time; it never ends the runner. It replaced
notify's reminder scheduler and review's deadline sweeper, which were the same loop written twice.
"""
from __future__ import annotations

import asyncio
import functools
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from plumbing.logging import get_logger
from plumbing.loops import keep_running, nap

log = get_logger(__name__)

Job = Callable[[Callable[[], Any]], Awaitable[Any]]


@dataclass
class PeriodicJob:
    name: str
    run: Job  # receives the unit-of-work factory
    every: float
    isolation: str | None = None  # e.g. "repeatable_read"; None: the database's default (read committed)
    runs: int = 0
    last_result: Any = None
    _due: float = field(default=0.0, repr=False)  # monotonic time of its next run (0: at once)


def lock_id(service: str) -> int:
    """The advisory lock of a service's periodic jobs (a stable 31-bit number)."""
    return 727_000_000 + zlib.crc32(f"periodic:{service}".encode()) % 1_000_000


class PeriodicRunner:
    def __init__(self, dsn: str, uow: Callable[..., Any], jobs: list[PeriodicJob], *, service: str) -> None:
        """`uow()` makes a unit of work; `uow(isolation=...)` one in that isolation (for jobs that name one)."""
        self.dsn, self.uow, self.jobs, self.lock = dsn, uow, jobs, lock_id(service)
        self.holding = False  # this instance holds the lock (runs the jobs)
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def tick(self, job: PeriodicJob) -> Any:
        """Run one job now; its failure is logged, never raised."""
        factory = self.uow if job.isolation is None else functools.partial(self.uow, isolation=job.isolation)
        try:
            job.last_result = await job.run(factory)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("periodic.failed", job=job.name, error=repr(exc))
            job.last_result = None
        except Exception:  # noqa: BLE001 - a bad run must not end the runner; the next one tries again
            log.exception("periodic.crashed", job=job.name)
            job.last_result = None
        job.runs += 1
        job._due = time.monotonic() + job.every
        return job.last_result

    async def run(self) -> None:
        await keep_running(self._session, self._stop, name="periodic",
                           errors=(OSError, asyncpg.PostgresError, asyncpg.InterfaceError))

    async def _session(self) -> None:
        lock_conn = await asyncpg.connect(self.dsn)
        try:
            while not await lock_conn.fetchval("SELECT pg_try_advisory_lock($1)", self.lock):
                await nap(self._stop, 1.0)  # another instance runs the jobs; a stop must not wait for it
                if self._stop.is_set():
                    return
            self.holding = True
            while not self._stop.is_set():
                await lock_conn.fetchval("SELECT 1")  # still holding it (its connection alive)?
                now = time.monotonic()
                for job in self.jobs:
                    if job._due <= now and not self._stop.is_set():
                        await self.tick(job)
                wait = min((j._due for j in self.jobs), default=now + 60) - time.monotonic()
                await nap(self._stop, max(0.05, wait))
        finally:
            self.holding = False
            await lock_conn.close()  # also releases the advisory lock
