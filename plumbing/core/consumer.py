"""Effectively-once processing of Kafka records on top of at-least-once delivery, and no record
lost to a bug.

For a batch of records, in ONE database transaction:
- each record's event_id goes into the inbox (ON CONFLICT DO NOTHING): a repeat is skipped;
- the handler's changes (new events, outbox rows, read-model rows) are written in a savepoint.
Only after COMMIT does the caller acknowledge, i.e. commit Kafka offsets.

What a failure means decides what happens to the record:
- **Bad data** is only what no fix of ours can make right: a record that cannot be decoded
  (`BadRecord`), an event type or version this reader does not know, or a refusal by the domain
  (`Refused`, e.g. a phantom reference). It is rolled back to its savepoint, marked `dead_letter` in
  the inbox and described on the dead-letter topic through the outbox; the consumer goes on.
- **Anything else** (the database away, a timeout, a concurrent change, a bug: KeyError, TypeError)
  raises: nothing is committed, the batch is delivered again, and the inbox makes the second pass
  safe. After `max_attempts` (a reference not yet known: after its wait) the record is **parked**:
  its bytes, topic, partition and offset go to `parked_records`, its inbox row is released (so the
  re-drive after a fix applies it) and a description goes to the dead-letter topic. While it is
  parked, later records with the same key are parked behind it, in order, without running the
  handler. `redrive_requested` (run by the service, asked for by `zc deadletters redrive`) applies
  a key's parked records in order through the same handler; one already applied changes nothing.
"""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import asyncpg
import structlog

from contracts.envelope import Envelope
from contracts.errors import Refused
from contracts.registry import UnknownEventType, UnknownEventVersion
from plumbing.core.decoding import BadRecord, decode_envelope, describe, short_error
from plumbing.core.eventstore import ConcurrencyConflict
from plumbing.tracing import header_span_id, span
from opentelemetry.trace import SpanKind
from plumbing.core.references import DEFAULT_WAIT_SECONDS, still_waiting
from plumbing.logging import get_logger
from plumbing.loops import nap

log = get_logger(__name__)

Handler = Callable[[asyncpg.Connection, Envelope], Awaitable[None]]
# About the record itself: dead-letter at once. Nothing else is: a KeyError or a TypeError is a
# bug until proven otherwise, and a bug's victim must survive until the fix (it is parked).
# ConcurrencyConflict is a Refused but means "retry".
BAD_DATA = (Refused, BadRecord, UnknownEventType, UnknownEventVersion)
# Deliveries of one record before it is parked, so that one record cannot stall a partition.
MAX_ATTEMPTS = 5
UNRESOLVED = ("parked", "redrive")


def is_bad_data(exc: BaseException) -> bool:
    return isinstance(exc, BAD_DATA) and not isinstance(exc, ConcurrencyConflict)


@dataclass(frozen=True)
class Record:
    """The part of a Kafka record the consumer needs (so tests can build one)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None  # None: a tombstone
    headers: tuple[tuple[str, bytes], ...] = ()  # the record's Kafka headers (its traceparent)


@dataclass
class BatchResult:
    processed: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    parked: int = 0


def _error(exc: BaseException) -> str:
    return short_error(f"{type(exc).__name__}: {exc}")


class IdempotentConsumer:
    def __init__(self, name: str, pool: asyncpg.Pool, handler: Handler, *, dead_letter_topic: str,
                 wants: Callable[[Envelope], bool] = lambda _: True, max_attempts: int = MAX_ATTEMPTS,
                 reference_wait_seconds: float = DEFAULT_WAIT_SECONDS) -> None:
        self.name, self.pool, self.handler = name, pool, handler
        self.dead_letter_topic = dead_letter_topic
        self.wants = wants
        self.max_attempts, self.reference_wait_seconds = max_attempts, reference_wait_seconds
        self._failures: dict[tuple[str, int, int], int] = {}  # (topic, partition, offset) -> failed attempts
        self._since: dict[tuple[str, int, int], float] = {}  # first failure (ReferenceNotYetKnown waits by time)
        self._any_parked = True  # until a batch has looked

    async def process(self, records: Sequence[Record]) -> BatchResult:
        result = BatchResult()
        async with self.pool.acquire() as conn, conn.transaction():
            # One look per batch: almost always nothing is parked, and then no record needs its own.
            self._any_parked = bool(await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM parked_records WHERE consumer = $1 AND status = ANY($2::text[]))",
                self.name, list(UNRESOLVED)))
            for record in records:
                await self._one(conn, record, result)
        return result

    async def _one(self, conn: asyncpg.Connection, record: Record, result: BatchResult) -> None:
        try:
            envelope = decode_envelope(record.value)
        except BadRecord as exc:
            await self._dead_letter(conn, record, None, str(exc))
            result.dead_lettered += 1
            return
        structlog.contextvars.bind_contextvars(correlation_id=str(envelope.correlation_id),
                                               event_id=str(envelope.event_id), event_type=envelope.event_type)
        try:
            if not await self._claim(conn, record, envelope):
                result.duplicates += 1
                log.info("consumer.duplicate_skipped", consumer=self.name)
                return
            if not self.wants(envelope):
                return
            if (head := await self._parked_ahead(conn, record.key)) is not None:
                await self._park(conn, record, envelope, f"ParkedBehind: waits behind parked record {head['id']}"
                                 f" ({head['error']})", behind=head["id"])
                result.parked += 1
                return
            try:
                # The event's trace (its correlation id) goes on here, under the relay's producer span
                # that sent it (the record's traceparent), or the event itself for a record without one.
                parent = header_span_id(record.headers, envelope.correlation_id) or envelope.event_id
                with span(f"consume {envelope.event_type}", envelope.correlation_id, parent_id=parent,
                          kind=SpanKind.CONSUMER, consumer=self.name, topic=record.topic, event_id=envelope.event_id):
                    async with conn.transaction():  # savepoint: a failed record leaves no trace
                        await self.handler(conn, envelope)
            except Exception as exc:  # noqa: BLE001 - sorted below: bad data, retry, or park
                place = (record.topic, record.partition, record.offset)
                self._failures[place] = self._failures.get(place, 0) + 1
                since = self._since.setdefault(place, time.monotonic())
                if is_bad_data(exc):
                    self._forget(record)
                    await self._mark_dead(conn, envelope)
                    await self._dead_letter(conn, record, envelope, _error(exc))
                    result.dead_lettered += 1
                    return
                if self._failures[place] < self.max_attempts or still_waiting(
                        exc, since, wait_seconds=self.reference_wait_seconds):
                    raise  # the whole batch rolls back and is delivered again
                self._forget(record)
                log.exception("consumer.parking", consumer=self.name, topic=record.topic, offset=record.offset)
                await self._park(conn, record, envelope, _error(exc))
                result.parked += 1
                return
            self._forget(record)
            result.processed += 1
        finally:
            structlog.contextvars.unbind_contextvars("correlation_id", "event_id", "event_type")

    async def _claim(self, conn, record: Record, envelope: Envelope) -> bool:
        """The inbox row: False when this event was handled (or dead-lettered) before."""
        return bool(await conn.fetchval(
            "INSERT INTO inbox (consumer, event_id, topic, kafka_partition, kafka_offset) VALUES ($1,$2,$3,$4,$5)"
            " ON CONFLICT DO NOTHING RETURNING true",
            self.name, envelope.event_id, record.topic, record.partition, record.offset))

    async def _mark_dead(self, conn, envelope: Envelope) -> None:
        await conn.execute("UPDATE inbox SET status = 'dead_letter' WHERE consumer = $1 AND event_id = $2",
                           self.name, envelope.event_id)

    async def _parked_ahead(self, conn, key: bytes | None):
        """The first unresolved parked record of this key, if any. FOR UPDATE: a re-drive of that
        key in progress finishes first, so a record is never parked behind one just re-driven."""
        if key is None or not self._any_parked:
            return None
        return await conn.fetchrow(
            "SELECT id, error FROM parked_records WHERE consumer = $1 AND key = $2 AND status = ANY($3::text[])"
            " ORDER BY id FOR UPDATE", self.name, key, list(UNRESOLVED))

    def _forget(self, record: Record) -> None:
        """A record that finally succeeded (or was set aside) leaves no retry memory behind."""
        place = (record.topic, record.partition, record.offset)
        self._failures.pop(place, None)
        self._since.pop(place, None)

    async def _park(self, conn, record: Record, envelope: Envelope, error: str, *, behind: int | None = None) -> None:
        """Keep the record whole for a re-drive and release its inbox row (the re-drive claims it
        again). Delivered again while parked, it is not parked twice (the unique index)."""
        await conn.execute("DELETE FROM inbox WHERE consumer = $1 AND event_id = $2", self.name, envelope.event_id)
        parked = await conn.fetchval(
            "INSERT INTO parked_records (consumer, topic, kafka_partition, kafka_offset, key, value, event_id,"
            " event_type, error, behind) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)"
            " ON CONFLICT (consumer, event_id) WHERE status IN ('parked', 'redrive') DO NOTHING RETURNING id",
            self.name, record.topic, record.partition, record.offset, record.key, record.value, envelope.event_id,
            envelope.event_type, error, behind)
        self._any_parked = True  # later records of this batch look behind it
        if parked is not None:
            await self._dead_letter(conn, record, envelope, error, parked=parked)

    async def _dead_letter(self, conn, record: Record, envelope: Envelope | None, error: str, *,
                           parked: int | None = None) -> None:
        """Queue a dead letter through the outbox. It describes the record (length, hash, a short
        preview, where it was) and never carries it, so a dead letter is always small enough to
        publish (contracts/limits.py). A parked record's bytes stay in its service's database."""
        error = short_error(error)
        log.warning("consumer.dead_letter", consumer=self.name, topic=record.topic, partition=record.partition,
                    offset=record.offset, error=error, parked=parked)
        letter = {"consumer": self.name, "error": error, "topic": record.topic, "partition": record.partition,
                  "offset": record.offset, "key": describe(record.key)["preview"],
                  "event_id": str(envelope.event_id) if envelope else None,
                  "event_type": envelope.event_type if envelope else None, "value": describe(record.value),
                  "parked": parked}
        # jsonb holds no NUL character: the previews are made printable by `describe`.
        await conn.execute("INSERT INTO outbox (event_id, topic, key, raw) VALUES (NULL, $1, $2, $3::jsonb)",
                           self.dead_letter_topic, letter["key"] or str(uuid.uuid4()),
                           json.dumps(letter, ensure_ascii=False))

    async def redrive_requested(self) -> int:
        """Re-drive every key whose parked records an operator asked for (`zc deadletters
        redrive`), one key per transaction; returns how many records were applied or found
        already applied."""
        done = 0
        while True:
            async with self.pool.acquire() as conn, conn.transaction():
                head = await conn.fetchrow(
                    "SELECT id, key FROM parked_records WHERE consumer = $1 AND status = 'redrive'"
                    " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED", self.name)
                if head is None:
                    return done
                done += await self._redrive_key(conn, head)

    async def _redrive_key(self, conn, head) -> int:
        """Apply the parked records of `head`'s key in order. The first that fails again goes back
        to `parked` with its new error, and the records after it stay parked behind it."""
        if head["key"] is None:
            rows = await conn.fetch("SELECT * FROM parked_records WHERE id = $1", head["id"])
        else:
            rows = await conn.fetch(
                "SELECT * FROM parked_records WHERE consumer = $1 AND key = $2 AND status = ANY($3::text[])"
                " ORDER BY id FOR UPDATE", self.name, head["key"], list(UNRESOLVED))
        applied = 0
        for i, row in enumerate(rows):
            record = Record(row["topic"], row["kafka_partition"], row["kafka_offset"], row["key"], row["value"])
            outcome, error = await self._apply_parked(conn, record)
            if outcome == "failed":
                await conn.execute("UPDATE parked_records SET status = 'parked', error = $2, attempts = attempts + 1,"
                                   " outcome = 'failed again' WHERE id = $1", row["id"], error)
                behind = [r["id"] for r in rows[i + 1:]]
                await conn.execute("UPDATE parked_records SET status = 'parked', behind = $2 WHERE id = ANY($1::bigint[])",
                                   behind, row["id"])
                log.warning("consumer.redrive_failed", consumer=self.name, parked=row["id"], error=error)
                return applied
            await conn.execute("UPDATE parked_records SET status = $2, redriven_at = now(), attempts = attempts + 1,"
                               " outcome = $3 WHERE id = $1", row["id"],
                               "dead_letter" if outcome == "dead_letter" else "redriven", error or outcome)
            log.info("consumer.redriven", consumer=self.name, parked=row["id"], outcome=outcome)
            applied += outcome in ("applied", "already applied")
        return applied

    async def _apply_parked(self, conn, record: Record) -> tuple[str, str | None]:
        """One parked record through the handler: applied | already applied | dead_letter | failed."""
        envelope = decode_envelope(record.value)  # it was decoded when it was parked
        if not await self._claim(conn, record, envelope):
            return "already applied", None
        try:
            async with conn.transaction():
                await self.handler(conn, envelope)
        except Exception as exc:  # noqa: BLE001 - the fix did not cover it: it stays parked
            if is_bad_data(exc):
                await self._mark_dead(conn, envelope)
                await self._dead_letter(conn, record, envelope, _error(exc))
                return "dead_letter", _error(exc)
            await conn.execute("DELETE FROM inbox WHERE consumer = $1 AND event_id = $2", self.name, envelope.event_id)
            return "failed", _error(exc)
        return "applied", None


async def redrive_when_asked(consumer: IdempotentConsumer, stop: asyncio.Event, every: float = 1.0) -> None:
    """The service's side of `zc deadletters redrive`: look for re-drives asked for, and run them
    through this consumer's own handler (the tool has none), until stopped."""
    while not stop.is_set():
        try:
            await consumer.redrive_requested()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:  # e.g. a PostgreSQL restart
            log.warning("consumer.redrive_check_failed", consumer=consumer.name, error=repr(exc))
        await nap(stop, every)
