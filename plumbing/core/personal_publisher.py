"""Publishes a writer's `personal_outbox` rows (intake: applicants; review: units' authorised
operators) to its kind's compacted topic, keyed by `<kind>:<ref>`, in row order; a NULL record
is sent as a tombstone (no value). A row is deleted in the same transaction that read it, after Kafka acknowledged it (acks=all, idempotent producer): a crash
before the commit sends it again, which a compacted topic and an upserting reader absorb.

Separate from the event relay on purpose: a tombstone is not an event, and these rows must not
outlive their publication (the event outbox keeps its rows)."""
from __future__ import annotations

import asyncio
import json
import time

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from contracts import topics
from contracts.personal_record import SEGMENT_ROLL_KEY, PersonalRecord, record_key
from plumbing.edges.kafka_security import client_kwargs
from plumbing.logging import get_logger
from plumbing.loops import keep_running, nap

log = get_logger(__name__)
PUBLISH_LOCK = 727300


async def queue_record(conn, person_ref: str, record: PersonalRecord | None) -> None:
    """Queue the person's current record, or (None) their tombstone, which supersedes what waits."""
    if record is None:
        await conn.execute("DELETE FROM personal_outbox WHERE person_ref = $1", person_ref)
    await conn.execute("INSERT INTO personal_outbox (person_ref, record) VALUES ($1, $2::jsonb)", person_ref,
                       None if record is None else json.dumps(record.model_dump(mode="json"), ensure_ascii=False))


class PersonalDataPublisher:
    def __init__(self, pool: asyncpg.Pool, bootstrap: str, *, service: str, kind: str, batch: int = 200) -> None:
        self.pool, self.bootstrap, self.batch, self.service = pool, bootstrap, batch, service
        self.kind, self.topic = kind, topics.personal_topic(kind)
        self._stop = asyncio.Event()
        # After a tombstone: when to write the segment-roll record (contracts/personal_record.py).
        self._roll_at: float | None = None
        self._roll_partitions: set[int] = set()  # the partitions that received a tombstone
        self._segment_seconds = int(topics.personal_data_configs()["segment.ms"]) / 1000

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        await keep_running(self._session, self._stop, name="personal_data_publisher",
                           errors=(OSError, KafkaError, asyncpg.PostgresError, asyncpg.InterfaceError))

    async def _session(self) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all", enable_idempotence=True,
                                    **client_kwargs(self.service))
        await producer.start()
        try:
            while not self._stop.is_set():
                if not await self.publish_pending(producer):
                    await self._roll_if_due(producer)
                    await nap(self._stop, 0.3)
        finally:
            await producer.stop()

    async def publish_pending(self, producer: AIOKafkaProducer) -> int:
        async with self.pool.acquire() as conn, conn.transaction():
            # One publisher at a time: two would split one person's rows and could send a
            # tombstone before the record it erases.
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", PUBLISH_LOCK):
                return 0
            rows = await conn.fetch("SELECT id, person_ref, record::text AS record FROM personal_outbox ORDER BY id"
                                    " LIMIT $1", self.batch)
            for row in rows:
                value = row["record"].encode() if row["record"] is not None else None
                sent = await producer.send_and_wait(self.topic, value, key=record_key(self.kind, row["person_ref"]))
                if value is None:
                    self._roll_partitions.add(sent.partition)
            if rows:
                await conn.execute("DELETE FROM personal_outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in rows])
                if any(r["record"] is None for r in rows):
                    self._roll_at = time.monotonic() + self._segment_seconds
                log.info("personal_data.published", records=len(rows),
                         tombstones=sum(r["record"] is None for r in rows))
            return len(rows)

    async def _roll_if_due(self, producer: AIOKafkaProducer) -> None:
        """One record after segment.ms, so the segment holding an erased record rolls and the
        cleaner can drop it (Kafka never cleans the active segment)."""
        if self._roll_at is not None and time.monotonic() >= self._roll_at:
            for partition in sorted(self._roll_partitions):  # the roll must land beside the tombstone
                await producer.send_and_wait(self.topic, None, key=SEGMENT_ROLL_KEY.encode(),
                                             partition=partition)
            log.info("personal_data.segment_roll", partitions=sorted(self._roll_partitions))
            self._roll_at, self._roll_partitions = None, set()


