"""The outbox relay: publishes committed outbox rows to Kafka, in order, then marks them.

- One relay per database at a time (a session advisory lock), so rows leave in outbox order;
  for one application that is its event order, because an append to a stream only starts after
  the previous append to it committed.
- Kafka producer: idempotent, acks=all; key = application id; headers carry event type, schema
  version, correlation and causation ids.
- At-least-once: rows are marked only after Kafka acknowledged them. A crash in between publishes
  them again; consumers drop the repeats by event_id (their inbox).
"""
from __future__ import annotations

import asyncio
import json
import os

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from plumbing.logging import get_logger
from plumbing.loops import keep_running, nap

log = get_logger(__name__)
RELAY_LOCK = 727100


def headers_for(row: asyncpg.Record) -> list[tuple[str, bytes]]:
    if row["event_id"] is None:
        return [("event_type", b"DeadLetter")]
    pairs = [("event_type", row["event_type"]), ("schema_version", str(row["schema_version"])),
             ("event_id", str(row["event_id"])), ("correlation_id", str(row["correlation_id"]))]
    if row["causation_id"]:
        pairs.append(("causation_id", str(row["causation_id"])))
    return [(k, v.encode()) for k, v in pairs]


def message_value(row: asyncpg.Record) -> bytes:
    if row["event_id"] is None:
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
SELECT o.id, o.topic, o.key, o.raw::text AS raw, e.event_id, e.event_type, e.schema_version, e.stream_id,
       e.stream_version, e.occurred_at, e.recorded_at, e.actor::text AS actor, e.correlation_id,
       e.causation_id, e.payload::text AS payload
FROM outbox o LEFT JOIN events e ON e.event_id = o.event_id
WHERE o.published_at IS NULL ORDER BY o.id LIMIT $1
"""


class OutboxRelay:
    def __init__(self, dsn: str, bootstrap: str, *, batch: int = 500, idle_wait: float = 0.5) -> None:
        self.dsn, self.bootstrap, self.batch, self.idle_wait = dsn, bootstrap, batch, idle_wait
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self.published = 0
        # Fault injection for the crash test: exit hard after publishing N rows, before marking.
        self._crash_after = int(os.environ.get("ZC_RELAY_CRASH_AFTER", "0") or 0)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    async def run(self) -> None:
        await keep_running(self._session, self._stop, name="relay",
                           errors=(OSError, asyncpg.PostgresError, asyncpg.InterfaceError, KafkaError))

    async def _session(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, enable_idempotence=True, acks="all",
                                    linger_ms=5, request_timeout_ms=30000)
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", RELAY_LOCK)  # waits while another relay runs
            await conn.add_listener("outbox", lambda *_: self._wake.set())
            await producer.start()
            log.info("relay.started")
            while not self._stop.is_set():
                try:
                    sent = await self.publish_pending(conn, producer)
                except (KafkaError, asyncio.TimeoutError) as exc:
                    # Kafka unreachable or a topic missing: nothing was marked, so retry later.
                    log.warning("relay.publish_failed", error=repr(exc))
                    # (issue 14) A failed batch breaks an idempotent producer's sequence numbers
                    # (OutOfOrderSequenceNumber for ever after a broker restart, found by make chaos):
                    # end the session; keep_running starts a new one with a new producer.
                    raise
                if sent < self.batch:
                    await nap(self._wake, self.idle_wait, clear=True)
        finally:
            await producer.stop()
            await conn.close()  # also releases the advisory lock

    async def publish_pending(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> int:
        rows = await conn.fetch(_PENDING, self.batch)
        if not rows:
            return 0
        futures = [await producer.send(r["topic"], message_value(r), key=r["key"].encode(), headers=headers_for(r))
                   for r in rows]
        await asyncio.gather(*futures)  # raises if Kafka did not take them: nothing is marked
        self.published += len(rows)
        if self._crash_after and self.published >= self._crash_after:
            os._exit(17)
        await conn.execute("UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])", [r["id"] for r in rows])
        log.info("relay.published", count=len(rows))
        return len(rows)
