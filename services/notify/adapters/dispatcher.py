"""Sends pending deliveries through the gateway and records the outcome as an event.

Exactly once, in effect, and where it stops:
- Planning is exactly once. A delivery row is written in the consumer's transaction together
  with the inbox row of the event that asked for it, and its primary key is the dedup key
  (hash of event id, template, logical recipient). A redelivered event is skipped by the inbox,
  and even if it were not, the key refuses a second row. Reminders are planned the same way,
  keyed by (recipient, deadline, days before).
- Sending relies on no idempotence of the platform (real ones promise none). For one try the
  order is: the row is marked `sending` (committed) -> gateway.send(template code, parameters,
  OutId = dedup key) -> ONE transaction marks the row `sent` with the platform's message id and
  appends NotificationSent (or reschedules / fails it on a refusal). A try that got no answer
  (a read timeout, a lost answer) becomes `checking`, and so does a `sending` row found when a
  dispatcher starts (the process died mid-try, kill -9 included): it is settled by the platform's
  status query (domain/provider.py: listed as sent -> sent with its message id; listed as failed
  -> the retry policy; not listed -> asked again until ZC_SMS_CHECK_BOUND_SECONDS after the try,
  then `unknown`: the alert fires and only `zc sms resend` sends it again). So a message goes to
  the platform a second time only when the platform said the first did not go out.
- Only one dispatcher sends at a time (a session advisory lock), so two notify processes do not
  race on one row, and a `sending` row seen at start cannot be another's request in flight.

Quiet hours hold a message until the window ends (wall time in the plan's zone, on the season
clock); the per-recipient rate limit delays it, and so does the platform's flow control (without
using a round). A retryable failure is retried in later rounds with exponential backoff and full
jitter; after the last round, or at once for a permanent failure, NotificationFailed is recorded
and a dead-letter entry is queued.

Fault injection for the crash test: ZC_NOTIFY_CRASH_AFTER_SEND=1 exits the process hard right after
the gateway accepted a message and before it is recorded (like ZC_RELAY_CRASH_AFTER in the relay).
"""
from __future__ import annotations

import asyncio
import json
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
from services.notify.domain import rate_limit
from services.notify.domain.compose import Outgoing
from services.notify.domain.provider import GatewayResult, SmsRequest, Verdict, send_dates, settle
from services.notify.domain.quiet_hours import QuietHours, send_time
from services.notify.domain.retry import RetryPolicy
from services.notify.usecases.recording import append_outcome

log = get_logger(__name__)
DISPATCH_LOCK = 727200
UNSETTLED = ("pending", "sending", "checking")  # a later message to the same number waits for these


def _outgoing(row) -> Outgoing:
    return Outgoing(row["notification_id"], row["dedup_key"], row["to_e164"], row["text"], row["template"],
                    row["recipient_masked"], row["application_id"], row["caused_by_event_id"])


def _params(row) -> dict[str, str]:
    raw = row["params"]
    return json.loads(raw) if isinstance(raw, str) else dict(raw or {})


class Dispatcher:
    """`clock` is real time (it is compared with the database's timestamps and the platform's send
    dates); `wall_offset` shifts it to the season's wall clock for quiet hours
    (plumbing.clock.offset() in the service)."""

    def __init__(self, pool: asyncpg.Pool, uow: Callable[[], UnitOfWork], gateway, *, tz: str,
                 quiet: QuietHours | None = None, policy: RetryPolicy = RetryPolicy(max_attempts=3),
                 windows=rate_limit.DEFAULT_WINDOWS, clock=lambda: datetime.now(UTC), wall_offset=lambda: timedelta(0),
                 crash_after_send: bool = False, sign_name: str = "12333",
                 check_bound: timedelta = timedelta(minutes=5), check_every: timedelta = timedelta(seconds=5)) -> None:
        """`uow` makes the unit of work that records how a message ended (the delivery row's
        status and the outcome event, in one transaction). `check_bound`: how long after an
        unanswered try "not listed" is asked again before the delivery is unknown; `check_every`:
        between two status queries."""
        self.pool, self.uow, self.gateway, self.windows = pool, uow, gateway, windows
        self.tz, self.quiet, self.policy, self.clock, self.wall_offset = ZoneInfo(tz), quiet, policy, clock, wall_offset
        self.sign_name, self.check_bound, self.check_every = sign_name, check_bound, check_every
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

    async def recover_interrupted(self) -> int:
        """Tries left `sending` by a dispatcher that died mid-request, or by a try whose outcome could
        not be written (the database went away): between two rounds none of ours is in flight, and
        with the lock nobody else's, so whether they went out is the platform's to say: checked."""
        done = await self.pool.execute("UPDATE deliveries SET status = 'checking', next_attempt_at = $1,"
                                       " last_error = 'interrupted while sending: checking with the platform'"
                                       " WHERE status = 'sending'", self.clock())
        if (count := int(done.split()[-1])):
            log.warning("dispatcher.interrupted_sends", count=count)
        return count

    async def dispatch_due(self, limit: int = 50) -> int:
        await self.recover_interrupted()
        now = self.clock()
        checks = await self.pool.fetch("SELECT * FROM deliveries WHERE status = 'checking' AND next_attempt_at <= $1"
                                       " ORDER BY seq LIMIT $2", now, limit)
        for row in checks:
            await self._settle(row)
        # A recipient's messages go out in the order of the events that caused them: a row waits
        # while an earlier one (lower seq) to the same number is not settled (held, retried, checked).
        rows = await self.pool.fetch(
            "SELECT * FROM deliveries d WHERE status = 'pending' AND next_attempt_at <= $1"
            " AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.status = ANY($3::text[]) AND e.to_e164 = d.to_e164"
            " AND e.seq < d.seq) ORDER BY seq LIMIT $2", self.clock(), limit, list(UNSETTLED))
        for row in rows:
            await self._one(row)
        return len(checks) + len(rows)

    def _request(self, row) -> SmsRequest:
        return SmsRequest(row["to_e164"], self.sign_name, row["template_code"] or row["template"], _params(row),
                          row["dedup_key"])

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
        # Written before the request leaves: if we die before its answer is recorded, the next
        # dispatcher finds the row `sending` and asks the platform instead of sending again.
        if await self.pool.execute("UPDATE deliveries SET status = 'sending', send_started_at = $2"
                                   " WHERE dedup_key = $1 AND status = 'pending'", row["dedup_key"], now) == "UPDATE 0":
            return  # settled meanwhile (an erasure)
        try:
            # In the filing's trace (plumbing/tracing.py): the gateway's HTTP call is a span inside it.
            with span("notify.send", row["correlation_id"], template=row["template"]):
                result = await self.gateway.send(self._request(row))
        except (OSError, asyncpg.PostgresError):
            raise  # the row stays `sending`: checked when the dispatcher starts again
        except Exception as exc:  # noqa: BLE001 - a faulty gateway costs this message a check, not the loop
            log.exception("dispatcher.gateway_error", template=row["template"])
            result = GatewayResult(ok=False, attempts=1, reason=f"gateway error: {type(exc).__name__}", unanswered=True)
        if result.ok and self._crash_after_send:
            log.warning("dispatcher.crash_injected", dedup_key=row["dedup_key"])
            os._exit(17)
        out = _outgoing(row)
        rounds = row["rounds"] + 1
        if result.ok:
            await self._finish(row, "sent", out.sent(), result.attempts, now, "sending", result.provider_message_id)
        elif result.unanswered:
            await self._check_later(row, "sending", f"{result.reason}: checking with the platform", result.attempts)
        elif result.throttled:  # the platform's flow control for this number: a hold, not a failed round
            await self._reschedule(row, now + timedelta(seconds=result.retry_after or 60), result.reason,
                                   attempts=result.attempts, use_round=False)
        elif not result.permanent and (delay := self.policy.delay(rounds - 1, self._rng)) is not None:
            await self._reschedule(row, now + timedelta(seconds=delay), result.reason, attempts=result.attempts)
        else:
            await self._finish(row, "failed", out.failed(result.reason or "gateway refused"), result.attempts, now,
                               "sending")

    async def _settle(self, row) -> None:
        """An unanswered try, settled by the platform's listing (domain/provider.py)."""
        now = self.clock()
        sent_at = row["send_started_at"] or row["created_at"]
        listed = []
        for day in send_dates(sent_at, now, self.tz):
            try:
                answer = await self.gateway.query(row["to_e164"], day)
            except (OSError, asyncpg.PostgresError):
                raise
            except Exception as exc:  # noqa: BLE001 - a faulty query costs this check, not the loop
                log.exception("dispatcher.query_error", template=row["template"])
                answer = None
                reason = f"status query error: {type(exc).__name__}"
            else:
                reason = answer.reason
            if answer is None or not answer.ok:  # says nothing about the message: ask again later
                return await self._check_later(row, "checking", reason)
            listed += answer.listed
        verdict = settle(listed, row["dedup_key"], sent_at, now, self.check_bound, row["failures_listed"])
        out = _outgoing(row)
        if verdict.verdict is Verdict.SENT:
            await self._finish(row, "sent", out.sent(), 0, now, "checking", verdict.message_id)
        elif verdict.verdict is Verdict.ASK_AGAIN:
            await self._check_later(row, "checking", verdict.reason)
        elif verdict.verdict is Verdict.UNKNOWN:
            await self.pool.execute("UPDATE deliveries SET status = 'unknown', last_error = $2"
                                    " WHERE dedup_key = $1 AND status = 'checking'", row["dedup_key"], verdict.reason)
            log.warning("notify.sms_unknown", template=row["template"], delivery=str(row["notification_id"]),
                        detail="only `zc sms resend` sends it again")
        elif (delay := self.policy.delay(row["rounds"], self._rng)) is not None:  # the platform failed it: retry
            await self._reschedule(row, now + timedelta(seconds=delay), verdict.reason, failures_listed=1)
        else:
            await self._finish(row, "failed", out.failed(verdict.reason), 0, now, "checking", failures_listed=1)

    async def _check_later(self, row, from_status: str, why: str, attempts: int = 0) -> None:
        await self.pool.execute("UPDATE deliveries SET status = 'checking', next_attempt_at = $3, last_error = $4,"
                                " attempts = attempts + $5 WHERE dedup_key = $1 AND status = $2",
                                row["dedup_key"], from_status, self.clock() + self.check_every, why, attempts)

    async def _finish(self, row, status: str, outcome, attempts: int, now: datetime, from_status: str,
                      message_id: str | None = None, failures_listed: int = 0) -> None:
        async with self.uow() as uow:
            finished = await uow.conn.execute(
                "UPDATE deliveries SET status = $2, attempts = attempts + $3, rounds = rounds + 1,"
                " sent_at = $4, last_error = CASE WHEN $2 = 'failed' THEN $5 ELSE last_error END,"
                " provider_message_id = coalesce($7, provider_message_id), failures_listed = failures_listed + $8"
                " WHERE dedup_key = $1 AND status = $6", row["dedup_key"], status, attempts, now,
                getattr(outcome, "reason", None), from_status, message_id or None, failures_listed)
            if finished == "UPDATE 0":
                return  # someone else already recorded how it ended: record nothing twice
            await append_outcome(uow, outcome, row["correlation_id"])
        log.info(f"notify.{status}", template=row["template"], to=row["recipient_masked"],
                 correlation_id=str(row["correlation_id"]))

    async def _reschedule(self, row, at: datetime, why: str, *, attempts: int = 0, use_round: bool = True,
                          failures_listed: int = 0) -> None:
        """Holds (quiet hours, rate limit: attempts=0, no round used) or retries a row later."""
        await self.pool.execute("UPDATE deliveries SET status = 'pending', next_attempt_at = $2, last_error = $3,"
                                " attempts = attempts + $4, rounds = rounds + $5, failures_listed = failures_listed + $6"
                                " WHERE dedup_key = $1 AND status = ANY($7::text[])",
                                row["dedup_key"], at, why, attempts, 1 if (attempts or failures_listed) and use_round else 0,
                                failures_listed, list(UNSETTLED))
