"""Effectively-once processing of Kafka records on top of at-least-once delivery.

For a batch of records, in ONE database transaction:
- each record's event_id goes into the inbox (ON CONFLICT DO NOTHING): a repeat is skipped;
- the handler's changes (new events, outbox rows, read-model rows) are written in a savepoint;
- a record that cannot be processed (undecodable by `plumbing.core.decoding`, or the handler refuses
  it) is rolled back to its savepoint, marked `dead_letter` in the inbox and queued for the
  dead-letter topic through the outbox as a bounded description, so the consumer goes on.
Only after COMMIT does the caller acknowledge, i.e. commit Kafka offsets. Any other failure
(database unreachable, a timeout, a concurrent change, a bug) raises: nothing is committed, the
batch is redelivered, and the inbox makes the second pass safe; after MAX_ATTEMPTS the record is
treated as poison and dead-lettered, so it cannot stall its partition.
"""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import asyncpg
import structlog

from contracts.envelope import Envelope
from contracts.errors import Refused
from plumbing.core.decoding import BadRecord, decode_envelope, describe, short_error
from plumbing.core.eventstore import ConcurrencyConflict
from plumbing.logging import get_logger
from plumbing.tracing import span
from opentelemetry.trace import SpanKind
from plumbing.core.references import still_waiting

log = get_logger(__name__)

Handler = Callable[[asyncpg.Connection, Envelope], Awaitable[None]]
# About the record itself: dead-letter at once. (Refused covers the domain's refusals; pydantic's
# ValidationError is a ValueError.) ConcurrencyConflict is a Refused but means "retry".
BAD_DATA = (Refused, ValueError, TypeError, KeyError, LookupError, asyncpg.DataError)
# Anything else (database down, timeouts, lock waits, a bug) is retried: the batch is redelivered.
# A record that keeps failing is dead-lettered after MAX_ATTEMPTS, so one record cannot stall a
# partition for ever.
MAX_ATTEMPTS = 5


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


@dataclass
class BatchResult:
    processed: int = 0
    duplicates: int = 0
    dead_lettered: int = 0


class IdempotentConsumer:
    def __init__(self, name: str, pool: asyncpg.Pool, handler: Handler, *, dead_letter_topic: str,
                 wants: Callable[[Envelope], bool] = lambda _: True) -> None:
        self.name, self.pool, self.handler = name, pool, handler
        self.dead_letter_topic = dead_letter_topic
        self.wants = wants
        self._failures: dict[tuple[str, int, int], int] = {}  # (topic, partition, offset) -> failed attempts
        self._since: dict[tuple[str, int, int], float] = {}  # first failure (ReferenceNotYetKnown waits by time)

    async def process(self, records: Sequence[Record]) -> BatchResult:
        result = BatchResult()
        async with self.pool.acquire() as conn, conn.transaction():
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
            inserted = await conn.fetchval(
                "INSERT INTO inbox (consumer, event_id, topic, kafka_partition, kafka_offset) VALUES ($1,$2,$3,$4,$5)"
                " ON CONFLICT DO NOTHING RETURNING true",
                self.name, envelope.event_id, record.topic, record.partition, record.offset)
            if not inserted:
                result.duplicates += 1
                log.info("consumer.duplicate_skipped", consumer=self.name)
                return
            if not self.wants(envelope):
                return
            try:
                # The event's trace (its correlation id) goes on here, under the event that caused it.
                with span(f"consume {envelope.event_type}", envelope.correlation_id, parent_id=envelope.event_id,
                          kind=SpanKind.CONSUMER, consumer=self.name, topic=record.topic, event_id=envelope.event_id):
                    async with conn.transaction():  # savepoint: a refused record leaves no trace
                        await self.handler(conn, envelope)
            except Exception as exc:  # noqa: BLE001 - sorted below: bad data, or retry
                place = (record.topic, record.partition, record.offset)
                self._failures[place] = self._failures.get(place, 0) + 1
                since = self._since.setdefault(place, time.monotonic())
                if not is_bad_data(exc) and (self._failures[place] < MAX_ATTEMPTS or still_waiting(exc, since)):
                    raise  # the whole batch rolls back and is delivered again
                self._failures.pop(place, None)
                self._since.pop(place, None)
                await conn.execute("UPDATE inbox SET status = 'dead_letter' WHERE consumer = $1 AND event_id = $2",
                                   self.name, envelope.event_id)
                await self._dead_letter(conn, record, envelope, f"{type(exc).__name__}: {exc}")
                result.dead_lettered += 1
                return
            self._forget(record)
            result.processed += 1
        finally:
            structlog.contextvars.unbind_contextvars("correlation_id", "event_id", "event_type")

    def _forget(self, record: Record) -> None:
        """A record that finally succeeded leaves no retry memory behind."""
        place = (record.topic, record.partition, record.offset)
        self._failures.pop(place, None)
        self._since.pop(place, None)

    async def _dead_letter(self, conn, record: Record, envelope: Envelope | None, error: str) -> None:
        """Queue a dead letter through the outbox. It describes the record (length, hash, a short
        preview, where it was) and never carries it, so a dead letter is always small enough to
        publish (contracts/limits.py)."""
        error = short_error(error)
        log.warning("consumer.dead_letter", consumer=self.name, topic=record.topic, partition=record.partition,
                    offset=record.offset, error=error)
        letter = {"consumer": self.name, "error": error, "topic": record.topic, "partition": record.partition,
                  "offset": record.offset, "key": describe(record.key)["preview"],
                  "event_id": str(envelope.event_id) if envelope else None,
                  "event_type": envelope.event_type if envelope else None, "value": describe(record.value)}
        # jsonb holds no NUL character: the previews are made printable by `describe`.
        await conn.execute("INSERT INTO outbox (event_id, topic, key, raw) VALUES (NULL, $1, $2, $3::jsonb)",
                           self.dead_letter_topic, letter["key"] or str(uuid.uuid4()),
                           json.dumps(letter, ensure_ascii=False))
