"""Sends pending deliveries through the gateway and records the outcome as an event.

Order of effects for one delivery: the row exists (committed by the consumer) -> gateway.send
with the row's dedup_key -> one transaction marks the row and appends NotificationSent/Failed.
A crash after the send and before the mark sends again with the same key; the gateway drops it.
Quiet hours hold a message until the window ends; the per-recipient rate limit delays it.
"""
from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from plumbing.eventstore import EventStore
from plumbing.logging import get_logger
from services.notify.domain import rate_limit
from services.notify.domain.compose import Outgoing
from services.notify.domain.quiet_hours import QuietHours, send_time
from services.notify.domain.retry import RetryPolicy
from services.notify.usecases.recording import append_outcome

log = get_logger(__name__)
DISPATCH_LOCK = 727200


def _outgoing(row) -> Outgoing:
    return Outgoing(row["notification_id"], row["dedup_key"], row["to_e164"], row["text"], row["template"],
                    row["recipient_masked"], row["application_id"], row["caused_by_event_id"])


class Dispatcher:
    def __init__(self, pool: asyncpg.Pool, store: EventStore, gateway, *, tz: str, quiet: QuietHours | None = None,
                 policy: RetryPolicy = RetryPolicy(max_attempts=3), windows=rate_limit.DEFAULT_WINDOWS,
                 clock=lambda: datetime.now(UTC)) -> None:
        self.pool, self.store, self.gateway, self.windows = pool, store, gateway, windows
        self.tz, self.quiet, self.policy, self.clock = ZoneInfo(tz), quiet, policy, clock
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()
        self._rng = random.Random()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    async def run(self) -> None:
        async with self.pool.acquire() as lock_conn:
            await lock_conn.execute("SELECT pg_advisory_lock($1)", DISPATCH_LOCK)
            await lock_conn.add_listener("deliveries", lambda *_: self._wake.set())
            try:
                while not self._stop.is_set():
                    try:
                        done = await self.dispatch_due()
                    except (OSError, asyncpg.PostgresError) as exc:
                        log.warning("dispatcher.failed", error=repr(exc))
                        done = 0
                    if not done:
                        self._wake.clear()
                        try:
                            await asyncio.wait_for(self._wake.wait(), 0.5)
                        except TimeoutError:
                            pass
            finally:
                await lock_conn.execute("SELECT pg_advisory_unlock($1)", DISPATCH_LOCK)

    async def dispatch_due(self, limit: int = 50) -> int:
        rows = await self.pool.fetch(
            "SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= now()"
            " ORDER BY next_attempt_at, created_at LIMIT $1", limit)
        for row in rows:
            await self._one(row)
        return len(rows)

    async def _one(self, row) -> None:
        now = self.clock()
        if self.quiet and (resume := send_time(now, self.quiet, self.tz)) > now:
            return await self._reschedule(row, resume, "quiet hours", count=False)
        history = [r["sent_at"] for r in await self.pool.fetch(
            "SELECT sent_at FROM deliveries WHERE to_e164 = $1 AND status = 'sent' AND sent_at > $2",
            row["to_e164"], now - timedelta(days=1))]
        decision = rate_limit.check(history, now, self.windows)
        if not decision.allowed:
            return await self._reschedule(row, decision.next_at, "rate limited", count=False)
        result = await self.gateway.send(row["to_e164"], row["text"], row["dedup_key"])
        out = _outgoing(row)
        attempts = row["attempts"] + 1
        if result.ok:
            await self._finish(row, "sent", out.sent())
        elif not result.permanent and (delay := self.policy.delay(attempts, self._rng)) is not None:
            await self._reschedule(row, now + timedelta(seconds=delay), result.reason, count=True)
        else:
            await self._finish(row, "failed", out.failed(result.reason or "gateway refused"))

    async def _finish(self, row, status: str, outcome) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("UPDATE deliveries SET status = $2, attempts = attempts + 1, sent_at = now()"
                               " WHERE dedup_key = $1", row["dedup_key"], status)
            await append_outcome(self.store, conn, outcome, row["correlation_id"])
        log.info(f"notify.{status}", template=row["template"], to=row["recipient_masked"],
                 correlation_id=str(row["correlation_id"]))

    async def _reschedule(self, row, at: datetime, why: str, *, count: bool) -> None:
        await self.pool.execute("UPDATE deliveries SET next_attempt_at = $2, last_error = $3,"
                                " attempts = attempts + $4 WHERE dedup_key = $1",
                                row["dedup_key"], at, why, 1 if count else 0)
