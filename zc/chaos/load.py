"""Chaos's load is the benchmark's (`zc/load`): many applicants with the realistic mix (routes,
areas, ~20 % ineligible, ~10 % returned once and resubmitted, 50–300 KB photos), and each unit's
reviewer acting as in the benchmark (passing, returning once, not passing). Only the pacing is
chaos's own: a phase files one application at a time (`file_next`), a few per second, and the
reviewers run for the whole chaos run.

Unlike the benchmark, which measures and must not hide a failure, this client is careful: a request
whose answer it did not get (connection refused while a service restarts, a 5xx while PostgreSQL
restarts) is sent again with the same Idempotency-Key, and an application counts as filed only once
intake answered 2xx. Every filed application must then reach its Fate; that is what the ledger checks.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx

from plumbing.settings import ServiceSettings
from zc.load.generator import Step, StepConfig
from zc.load.people import Fate, Filing, filing

RETRYABLE = {0, 500, 502, 503, 504}  # 0: no answer at all (Step.post's transport error)


class ChaosLoad(Step):
    def __init__(self, url: Callable[[str], str], *, units: int = 4, seed: int = 14, patience: float = 120) -> None:
        settings = ServiceSettings(service="intake")  # the person_ref key, for applicants' tokens
        super().__init__(StepConfig(intake=url("intake"), review=url("review"), rate=1, seconds=0, seed=seed,
                                    units=units, drain_seconds=patience, setup_seconds=patience,
                                    person_ref_secret=settings.person_ref_secret))
        self.patience = patience
        self.pool: list[Filing] = []  # prepared (archive approved, known to intake), not yet filed
        self.filed: dict[str, Fate] = {}
        self.http = httpx.AsyncClient(timeout=30)
        self.gate = asyncio.Semaphore(1)
        self.reviewers: list[asyncio.Task] = []

    async def start(self) -> None:
        """The city HR bureau authorises the units; their reviewers start polling their inboxes."""
        await self.authorise_units()
        self.reviewers = [asyncio.create_task(self.reviewer(u)) for u in self.units]

    async def top_up(self, n: int) -> None:
        """Have `n` filings ready to file (their archives set up), outside any fault."""
        fresh = [filing(self.rng, self.rng.choice(self.units), self.c.person_ref_secret)
                 for _ in range(max(0, n - len(self.pool)))]
        await self.prepare_archives(fresh)
        self.pool += fresh

    async def file_next(self) -> str | None:
        """File the next prepared application; its id once intake accepted it, else None."""
        if not self.pool:
            return None
        f = self.pool.pop(0)
        self.plan[f.application_id] = f  # the reviewers act only on what is planned
        if await self.file(f, time.time(), self.gate) not in (200, 201):
            return None
        self.filed[str(f.application_id)] = f.fate
        return str(f.application_id)

    async def post(self, url: str, body: dict, token: str, key: str | None = None, ok: tuple[int, ...] = ()) -> int:
        """Step.post, sent again (same key) until an answer that is not a transient failure, or `patience`."""
        deadline = time.monotonic() + self.patience
        while True:
            status = await super().post(url, body, token, key=key, ok=ok)
            if status not in RETRYABLE or time.monotonic() > deadline:
                return status
            await asyncio.sleep(0.5)

    def expected(self) -> dict[str, Fate]:
        return dict(self.filed)

    async def close(self) -> None:
        for task in self.reviewers:
            task.cancel()
        await asyncio.gather(*self.reviewers, return_exceptions=True)
        await self.http.aclose()
