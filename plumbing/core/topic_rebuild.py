"""Rebuild a read model fed by other services' topics: replay those topics from offset 0 through the
service's own read-model reactions into fresh tables, then swap (like `rebuild.py` for the store).

Which records count is what the live consumer decided: its inbox names every record it processed
(and those it dead-lettered, which are skipped here too), with topic, partition and offset. So the
replay applies exactly the records the live model applied, in each partition's order (an
application's events are on one partition), and never goes past the live consumer's position.

Chunked transactions (`chunk` records each): one long transaction would hold back `read_all`'s
readers of the global order (its cut-off waits for the oldest running transaction). The reactions
get a `Reactions` without a recorder: a reaction that tried to append would fail, not write.
The swap locks the live tables (the live consumer's next write to them waits), replays what the
live consumer processed meanwhile, copies the live rows the model says no topic gives (`keep`:
notify's departments, operator data from a file), and moves the fresh tables in. A model fed by two
consumer groups (notify's contacts) names both: their topics are disjoint, so each record still has
one inbox that says whether it was processed.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from plumbing.core.reactions import Reactions
from plumbing.core.decoding import decode_envelope
from plumbing.core.rebuild import Progress, _create_fresh, _swap_in, scratch_schema


@dataclass
class TopicModel:
    name: str                # e.g. notify.waiting_cases
    # the live consumer(s) whose inbox says what was processed, e.g. "notify-0"; several when the
    # model is fed by more than one consumer group (each reads topics of its own)
    consumer: str | tuple[str, ...]
    topics: Callable[[], list[str]]
    reactions: Callable[[object], Reactions]  # given a read-only EventStore
    tables: list[str]
    # rows of the live table that no topic gives (table -> SQL condition), copied over at the swap:
    # operator data seeded from a file (notify's departments), not a fact of any topic
    keep: dict[str, str] = field(default_factory=dict)

    @property
    def consumers(self) -> list[str]:
        return [self.consumer] if isinstance(self.consumer, str) else list(self.consumer)


async def _live(conn, consumers: list[str]) -> tuple[dict[tuple[str, int], int], set]:
    rows = await conn.fetch("SELECT topic, kafka_partition, max(kafka_offset) AS upto FROM inbox"
                            " WHERE consumer = ANY($1::text[]) GROUP BY topic, kafka_partition", consumers)
    ids = await conn.fetch("SELECT event_id FROM inbox WHERE consumer = ANY($1::text[]) AND status = 'processed'",
                           consumers)
    return {(r["topic"], r["kafka_partition"]): r["upto"] for r in rows}, {r["event_id"] for r in ids}


class _Replay:
    """Records from offset 0 of every partition of the topics, handed out up to a position."""

    def __init__(self, consumer: AIOKafkaConsumer, reactions: Reactions, schema: str, chunk: int) -> None:
        self.consumer, self.reactions, self.schema, self.chunk = consumer, reactions, schema, chunk
        self.applied = self.read = 0
        self._held: list = []

    async def until(self, upto: dict[tuple[str, int], int], processed: set, pool, conn=None,
                    progress: Progress | None = None, total: int = 0) -> None:
        parts = [tp for tp in self.consumer.assignment() if upto.get((tp.topic, tp.partition), -1) >= 0]
        while True:
            waiting = [tp for tp in parts if await self.consumer.position(tp) <= upto[(tp.topic, tp.partition)]]
            batch = [r for r in self._held if r.offset <= upto.get((r.topic, r.partition), -1)]
            self._held = [r for r in self._held if r.offset > upto.get((r.topic, r.partition), -1)]
            if not batch and not waiting:
                return
            if waiting and len(batch) < self.chunk:
                for records in (await self.consumer.getmany(*waiting, timeout_ms=1000, max_records=self.chunk)).values():
                    for r in records:
                        (batch if r.offset <= upto[(r.topic, r.partition)] else self._held).append(r)
            await self._apply(batch, processed, pool, conn)
            if progress:
                progress(self.read, max(total, self.read))

    async def _apply(self, records, processed: set, pool, conn) -> None:
        self.read += len(records)
        chosen = [e for e in (decode_envelope(r.value) for r in records if r.value is not None)
                  if e.event_id in processed and self.reactions.wants(e)]
        if not chosen:
            return
        if conn is None:
            async with pool.acquire() as own, own.transaction():
                await self._handle(own, chosen)
        else:
            await self._handle(conn, chosen)

    async def _handle(self, conn, envelopes) -> None:
        await conn.execute(f"SET LOCAL search_path TO {self.schema}, public")
        for envelope in envelopes:
            await self.reactions.handle(conn, envelope)
        self.applied += len(envelopes)


async def rebuild_from_topics(store, model: TopicModel, bootstrap: str, client: dict, *, chunk: int = 500,
                              progress: Progress | None = None) -> dict:
    pool, schema = store.pool, scratch_schema(model.name)
    async with pool.acquire() as conn:
        indexes = await _create_fresh(conn, schema, model.tables)
        upto, processed = await _live(conn, model.consumers)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                                auto_offset_reset="earliest", **client)  # never "latest" in a race with the seek
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t, n in (await _partition_counts(bootstrap, client, model.topics())).items()
                      for p in range(n)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        total = sum(o + 1 for o in upto.values())
        replay = _Replay(consumer, model.reactions(store), schema, chunk)
        await replay.until(upto, processed, pool, progress=progress, total=total)
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(f"LOCK TABLE {', '.join('public.' + t for t in model.tables)} IN ACCESS EXCLUSIVE MODE")
            upto, processed = await _live(conn, model.consumers)
            await replay.until(upto, processed, pool, conn, progress, total)
            for table, condition in model.keep.items():
                await conn.execute(f"INSERT INTO {schema}.{table} SELECT * FROM public.{table} WHERE {condition}"
                                   " ON CONFLICT DO NOTHING")
            await _swap_in(conn, schema, model.tables, indexes)
    finally:
        await consumer.stop()
    return {"projection": model.name, "records": replay.read, "applied": replay.applied, "tables": model.tables}


async def _partition_counts(bootstrap: str, client: dict, names: list[str]) -> dict[str, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **client)
    await admin.start()
    try:
        return {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics(names)}
    finally:
        await admin.close()
