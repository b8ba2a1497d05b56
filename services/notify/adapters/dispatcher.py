"""Sends pending deliveries through the gateway and records the outcome as an event.

Exactly once, in effect, and where it stops:
- Planning is exactly once. A delivery row is written in the consumer's transaction together
  with the inbox row of the event that asked for it, and its primary key is the dedup key
  (hash of event id, template, logical recipient). A redelivered event is skipped by the inbox,
  and even if it were not, the key refuses a second row. Reminders are planned the same way,
  keyed by (recipient, deadline, days before).
- Sending is at least once, deduplicated by the provider. For one delivery the order is:
  the row exists (committed) -> gateway.send(..., dedup_key) -> ONE transaction marks the row
  and appends NotificationSent/Failed (with its outbox row). A crash after the provider accepted
  the SMS and before that commit leaves the row pending; after the restart it is sent again with
  the same key as `Idempotency-Key`, and a provider that honours the key answers with its first
  result and sends nothing. The recipient gets one SMS, notify records NotificationSent once
  (its event id is derived from the notification id).
- The honest limits: this holds only for a provider that honours the key, and only within its
  key-retention window. Against a provider that ignores keys, a crash in that window sends one
  duplicate per crash. The gateway's own timeouts are covered the same way: a request that timed
  out may have been delivered, and its retry carries the same key.
- Only one dispatcher sends at a time (a session advisory lock), so two notify processes do not
  race on one row.

Quiet hours hold a message until the window ends (wall time in the plan's zone, on the season
clock); the per-recipient rate limit delays it. A retryable failure is retried in later rounds
with exponential backoff and full jitter; after the last round, or at once for a permanent
failure, NotificationFailed is recorded and a dead-letter entry is queued.

Fault injection for the crash test: ZC_NOTIFY_CRASH_AFTER_SEND=1 exits the process hard right after
the gateway accepted a message and before it is recorded (like ZC_RELAY_CRASH_AFTER in the relay).
"""
from __future__ import annotations

import asyncio
import os
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from plumbing.core.unit_of_work import UnitOfWork
from plumbing.logging import get_logger
from plumbing.loops import keep_running, nap
from plumbing.tracing import span
from services.notify.adapters.gateway_http import GatewayResult
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
    """`clock` is real time (it is compared with the database's timestamps); `wall_offset` shifts
    it to the season's wall clock for quiet hours (plumbing.clock.offset() in the service)."""

    def __init__(self, pool: asyncpg.Pool, uow: Callable[[], UnitOfWork], gateway, *, tz: str,
                 quiet: QuietHours | None = None, policy: RetryPolicy = RetryPolicy(max_attempts=3),
                 windows=rate_limit.DEFAULT_WINDOWS, clock=lambda: datetime.now(UTC), wall_offset=lambda: timedelta(0),
                 crash_after_send: bool = False) -> None:
        """`uow` makes the unit of work that records how a message ended (the delivery row's
        status and the outcome event, in one transaction)."""
        self.pool, self.uow, self.gateway, self.windows = pool, uow, gateway, windows
        self.tz, self.quiet, self.policy, self.clock, self.wall_offset = ZoneInfo(tz), quiet, policy, clock, wall_offset
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()
        self._rng = random.Random()
        self._crash_after_send = crash_after_send

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    async def run(self) -> None:
        await keep_running(self._session, self._stop, name="dispatcher",
                           errors=(OSError, asyncpg.PostgresError, asyncpg.InterfaceError))

    async def _session(self) -> None:
        async with self.pool.acquire() as lock_conn:
            await lock_conn.execute("SELECT pg_advisory_lock($1)", DISPATCH_LOCK)
            await lock_conn.add_listener("deliveries", lambda *_: self._wake.set())
            try:
                while not self._stop.is_set():
                    # Still holding the lock? If its connection died (a database restart), another
                    # dispatcher may hold it now: leave and wait for it again rather than both send.
                    await lock_conn.fetchval("SELECT 1")
                    try:
                        done = await self.dispatch_due()
                    except (OSError, asyncpg.PostgresError) as exc:
                        log.warning("dispatcher.failed", error=repr(exc))
                        done = 0
                    if not done:
                        await nap(self._wake, 0.5, clear=True)
            finally:
                await lock_conn.execute("SELECT pg_advisory_unlock($1)", DISPATCH_LOCK)

    async def dispatch_due(self, limit: int = 50) -> int:
        # A recipient's messages go out in the order of the events that caused them: a row waits
        # while an earlier one (lower seq) to the same number is still pending (held, retried).
        rows = await self.pool.fetch(
            "SELECT * FROM deliveries d WHERE status = 'pending' AND next_attempt_at <= $1"
            " AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.status = 'pending' AND e.to_e164 = d.to_e164"
            " AND e.seq < d.seq) ORDER BY seq LIMIT $2", self.clock(), limit)
        for row in rows:
            await self._one(row)
        return len(rows)

    async def _one(self, row) -> None:
        now = self.clock()
        if self.quiet:
            wall = now + self.wall_offset()
            if (resume := send_time(wall, self.quiet, self.tz)) > wall:
                return await self._reschedule(row, now + (resume - wall), "quiet hours")
        history = [r["sent_at"] for r in await self.pool.fetch(
            "SELECT sent_at FROM deliveries WHERE to_e164 = $1 AND status = 'sent' AND sent_at > $2",
            row["to_e164"], now - max((w.length for w in self.windows), default=timedelta(days=1)))]
        decision = rate_limit.check(history, now, self.windows)
        if not decision.allowed:
            return await self._reschedule(row, decision.next_at, "rate limited")
        try:
            # In the filing's trace (plumbing/tracing.py): the gateway's HTTP call is a span inside it.
            with span("notify.send", row["correlation_id"], template=row["template"]):
                result = await self.gateway.send(row["to_e164"], row["text"], row["dedup_key"])
        except (OSError, asyncpg.PostgresError):
            raise
        except Exception as exc:  # noqa: BLE001 - a faulty gateway costs this message a round, not the loop
            log.exception("dispatcher.gateway_error", template=row["template"])
            result = GatewayResult(ok=False, attempts=1, reason=f"gateway error: {type(exc).__name__}")
        if result.ok and self._crash_after_send:
            log.warning("dispatcher.crash_injected", dedup_key=row["dedup_key"])
            os._exit(17)
        out = _outgoing(row)
        rounds = row["rounds"] + 1
        if result.ok:
            await self._finish(row, "sent", out.sent(), result.attempts, now)
        elif not result.permanent and (delay := self.policy.delay(rounds - 1, self._rng)) is not None:
            await self._reschedule(row, now + timedelta(seconds=delay), result.reason, attempts=result.attempts)
        else:
            await self._finish(row, "failed", out.failed(result.reason or "gateway refused"), result.attempts, now)

    async def _finish(self, row, status: str, outcome, attempts: int, now: datetime) -> None:
        async with self.uow() as uow:
            finished = await uow.conn.execute(
                "UPDATE deliveries SET status = $2, attempts = attempts + $3, rounds = rounds + 1,"
                " sent_at = $4, last_error = CASE WHEN $2 = 'failed' THEN $5 ELSE last_error END"
                " WHERE dedup_key = $1 AND status = 'pending'", row["dedup_key"], status, attempts, now,
                getattr(outcome, "reason", None))
            if finished == "UPDATE 0":
                return  # someone else already recorded how it ended: record nothing twice
            await append_outcome(uow, outcome, row["correlation_id"])
        log.info(f"notify.{status}", template=row["template"], to=row["recipient_masked"],
                 correlation_id=str(row["correlation_id"]))

    async def _reschedule(self, row, at: datetime, why: str, *, attempts: int = 0) -> None:
        """Holds (quiet hours, rate limit: attempts=0, no round used) or retries a row later."""
        await self.pool.execute("UPDATE deliveries SET next_attempt_at = $2, last_error = $3,"
                                " attempts = attempts + $4, rounds = rounds + $5 WHERE dedup_key = $1",
                                row["dedup_key"], at, why, attempts, 1 if attempts else 0)
