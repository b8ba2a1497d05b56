"""The outbox relay: publishes committed outbox rows to Kafka, in order, then marks them.

- One relay per database at a time (a session advisory lock), so rows leave in outbox order;
  for one application that is its event order, because an append to a stream only starts after
  the previous append to it committed.
- Kafka producer: idempotent, acks=all; key = application id; headers carry event type, schema
  version, correlation and causation ids.
- At-least-once: rows are marked only after Kafka acknowledged them. A crash in between publishes
  them again; consumers drop the repeats by event_id (their inbox).
- One row cannot wedge it: a row Kafka refuses for good (`PERMANENT`: too large, invalid) is
  parked with its error and the relay goes on; rows with the same topic and key wait behind it
  (per-application order holds) until an operator retries or discards it (`zc outbox`). Every
  other error (connection, authorization, a missing topic, timeouts) is retried, in order.
"""
from __future__ import annotations

import asyncio
import json
import os

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka import errors as kafka_errors
from aiokafka.errors import KafkaError

from contracts.limits import DEAD_LETTER_ERROR_CHARS, KAFKA_PRODUCER_MAX_REQUEST_BYTES
from opentelemetry.trace import SpanKind

from plumbing.tracing import parent_span_id, span, traceparent
from plumbing.edges.kafka_security import client_kwargs
from plumbing.logging import get_logger
from plumbing.loops import keep_running, nap

log = get_logger(__name__)
RELAY_LOCK = 727100

# What the Kafka client documents as non-retriable for a record: no retry can make it publishable.
PERMANENT = (kafka_errors.MessageSizeTooLargeError, kafka_errors.RecordTooLargeError,
             kafka_errors.RecordListTooLargeError, kafka_errors.CorruptRecordException,
             kafka_errors.InvalidTimestampError, kafka_errors.UnsupportedForMessageFormatError,
             kafka_errors.InvalidTopicError)
INVALID_RECORD = 87  # the broker's INVALID_RECORD code, which aiokafka maps to UnknownError


def is_permanent(exc: BaseException) -> bool:
    return isinstance(exc, PERMANENT) or getattr(exc, "errno", None) == INVALID_RECORD


def headers_for(row: asyncpg.Record, producer_span_id: int | None = None) -> list[tuple[str, bytes]]:
    if row["headers"]:  # a message that is not an event (the analysts' feed) names its headers in its row
        return [(k, str(v).encode()) for k, v in json.loads(row["headers"]).items()]
    if row["raw"] is not None:  # a dead letter, or a record for the audit topic (witness.py) which names itself
        return [("event_type", (json.loads(row["raw"]).get("record") or "DeadLetter").encode())]
    pairs = [("event_type", row["event_type"]), ("schema_version", str(row["schema_version"])),
             ("event_id", str(row["event_id"])), ("correlation_id", str(row["correlation_id"]))]
    if row["causation_id"]:
        pairs.append(("causation_id", str(row["causation_id"])))
    # W3C trace context: the event's trace is its correlation id; its parent, the producer span that
    # sent it (plumbing/tracing.py), or the event itself when tracing is off (consumers accept both).
    pairs.append(("traceparent", traceparent(row["correlation_id"], producer_span_id or row["event_id"])))
    return [(k, v.encode()) for k, v in pairs]


def message_value(row: asyncpg.Record) -> bytes:
    if row["raw"] is not None:
        return row["raw"].encode()
    envelope = {
        "event_id": str(row["event_id"]), "event_type": row["event_type"], "schema_version": row["schema_version"],
        "stream_id": row["stream_id"], "stream_version": row["stream_version"],
        "occurred_at": row["occurred_at"].isoformat(), "recorded_at": row["recorded_at"].isoformat(),
        "actor": json.loads(row["actor"]), "correlation_id": str(row["correlation_id"]),
        "causation_id": str(row["causation_id"]) if row["causation_id"] else None,
        "payload": json.loads(row["payload"]),
    }
    return json.dumps(envelope, ensure_ascii=False).encode()


_PENDING = """
SELECT o.id, o.topic, o.key, o.raw::text AS raw, o.headers::text AS headers, o.traceparent, e.event_id, e.event_type, e.schema_version, e.stream_id,
       e.stream_version, e.occurred_at, e.recorded_at, e.actor::text AS actor, e.correlation_id,
       e.causation_id, e.payload::text AS payload
FROM outbox o LEFT JOIN events e ON e.event_id = o.event_id
WHERE o.published_at IS NULL AND o.parked_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM outbox p            -- held behind a parked row of the same key
                  WHERE p.parked_at IS NOT NULL AND p.discarded_at IS NULL AND p.published_at IS NULL
                    AND p.topic = o.topic AND p.key = o.key AND p.id < o.id)
ORDER BY o.id LIMIT $1
"""


async def _send(producer: AIOKafkaProducer, row: asyncpg.Record) -> asyncio.Future:
    """Hand one row to the producer; an event's record in a producer span of its trace, child of the
    span that appended it (stored with its outbox row), whose id the record's traceparent carries.
    Written here: aiokafka has no OpenTelemetry instrumentation. The span covers the hand-over to the
    producer's batch; the broker's acknowledgement is awaited for the whole batch after."""
    if row["event_id"] is None or row["raw"] is not None or row["headers"]:
        return await producer.send(row["topic"], message_value(row), key=row["key"].encode(), headers=headers_for(row))
    with span(f"publish {row['topic']}", row["correlation_id"], kind=SpanKind.PRODUCER,
              parent_id=parent_span_id(row["traceparent"], row["correlation_id"]),
              **{"messaging.system": "kafka", "messaging.destination.name": row["topic"],
                 "messaging.operation.type": "send", "event_type": row["event_type"],
                 "event_id": row["event_id"]}) as producing:
        context = producing.get_span_context()
        own = context.span_id if producing.is_recording() else None
        return await producer.send(row["topic"], message_value(row), key=row["key"].encode(),
                                   headers=headers_for(row, own))


class OutboxRelay:
    def __init__(self, dsn: str, bootstrap: str, *, batch: int = 500, idle_wait: float = 0.5,
                 principal: str | None = None, crash_after: int = 0) -> None:
        self.dsn, self.bootstrap, self.batch, self.idle_wait = dsn, bootstrap, batch, idle_wait
        self.principal = principal  # Kafka principal (plumbing/edges/kafka_security.py); None: ZC_KAFKA_USER
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self.published = 0
        self.parked = 0
        self._suspect: int | None = None  # an outbox id the broker refused in a batch: next, sent alone
        # Fault injection for the crash test: exit hard after publishing N rows, before marking.
        self._crash_after = crash_after

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    async def run(self) -> None:
        await keep_running(self._session, self._stop, name="relay",
                           errors=(OSError, asyncpg.PostgresError, asyncpg.InterfaceError, KafkaError))

    async def _session(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", RELAY_LOCK)  # waits while another relay runs
            await conn.add_listener("outbox", lambda *_: self._wake.set())
            log.info("relay.started")
            while not self._stop.is_set():
                # A fresh producer after every failure: an idempotent producer whose batch the broker
                # refused is spent (every later send to that partition fails, out of sequence).
                producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, enable_idempotence=True, acks="all",
                                            linger_ms=5, request_timeout_ms=30000,
                                            max_request_size=KAFKA_PRODUCER_MAX_REQUEST_BYTES,
                                            **client_kwargs(self.principal))
                await producer.start()
                try:
                    await self._publish_until_failure(conn, producer)
                finally:
                    await producer.stop()
        finally:
            await conn.close()  # also releases the advisory lock

    async def _publish_until_failure(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> None:
        while not self._stop.is_set():
            try:
                sent = await self.publish_pending(conn, producer)
            except (KafkaError, asyncio.TimeoutError) as exc:
                # Kafka unreachable, a topic missing, not authorized, or a record refused: nothing
                # after the first failure was marked, so retry later, in order, with a new producer.
                log.warning("relay.publish_failed", error=repr(exc))
                await nap(self._stop, 1)
                return
            if sent < self.batch:
                await nap(self._wake, self.idle_wait, clear=True)

    async def publish_pending(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> int:
        """Publish one batch of ready rows in outbox order. Returns the number of rows fetched, or
        the batch size when the pass stopped early (so that the caller goes on at once).

        The client refuses an oversized record at send() time: the rows before it are awaited
        and marked, it is parked, and the pass ends (rows of its key are held from then on). A
        record the broker refuses for good fails its future and the producer with it: the rows
        before it are marked, and the error is raised, so the next producer first sends that row
        alone (its batch-mates may only have failed with it) and parks it if it fails again.
        """
        rows = await conn.fetch(_PENDING, self.batch)
        if not rows:
            return 0
        if rows[0]["id"] == self._suspect:
            self._suspect = None
            await self._send_alone(conn, producer, rows[0])
            return self.batch
        sent, refused = [], None
        for row in rows:
            try:
                sent.append(await _send(producer, row))
            except PERMANENT as exc:
                refused = (row, exc)
                break
        results = await asyncio.gather(*sent, return_exceptions=True)
        failed = next((i for i, r in enumerate(results) if isinstance(r, BaseException)), None)
        await self._mark(conn, rows[:len(sent) if failed is None else failed])
        if failed is not None:
            if is_permanent(results[failed]):
                self._suspect = rows[failed]["id"]
            raise results[failed]
        if refused:
            await self._park(conn, *refused)
            return self.batch
        return len(rows)

    async def _send_alone(self, conn: asyncpg.Connection, producer: AIOKafkaProducer, row: asyncpg.Record) -> None:
        try:
            await (await _send(producer, row))
        except KafkaError as exc:
            if not is_permanent(exc):
                raise
            await self._park(conn, row, exc)
            raise  # the producer is spent: the session starts a new one
        await self._mark(conn, [row])

    async def _mark(self, conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> None:
        if not rows:
            return
        self.published += len(rows)
        if self._crash_after and self.published >= self._crash_after:
            os._exit(17)
        await conn.execute("UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])", [r["id"] for r in rows])
        log.info("relay.published", count=len(rows))

    async def _park(self, conn: asyncpg.Connection, row: asyncpg.Record, error: BaseException) -> None:
        text = f"{type(error).__name__}: {error}"[:DEAD_LETTER_ERROR_CHARS]
        await conn.execute("UPDATE outbox SET parked_at = now(), park_error = $2 WHERE id = $1", row["id"], text)
        self.parked += 1
        log.error("relay.parked", outbox_id=row["id"], topic=row["topic"], key=row["key"], event_id=str(row["event_id"]),
                  event_type=row["event_type"], error=text)
