"""Section 2, our parts: appends, the consumer, the relay, reads of the global log and a read-model
rebuild, each run against a throw-away database of the same server and topics of the same broker."""
from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg

from contracts.envelope import SYSTEM_ACTOR
from contracts.events import ApplicationWithdrawn
from plumbing.core.consumer import IdempotentConsumer
from plumbing.core.eventstore import EventStore, NewEvent, Position
from plumbing.edges.kafka import build_broker, subscribe
from plumbing.core.projection import ProjectionRunner
from plumbing.core.relay import OutboxRelay
from plumbing.settings import ServiceSettings
from zc.bench.windows import windows
from plumbing.edges.kafka_security import ADMIN  # the bench's own topics and groups: admin's

REASON = "申报人主动撤回：" + "bench " * 70  # an event of about 500 bytes, as the peers'


def event(app: uuid.UUID) -> NewEvent:
    return NewEvent(ApplicationWithdrawn(application_id=app, reason=REASON), SYSTEM_ACTOR, correlation_id=app)


# What the bulk load takes off the tables and puts back (PostgreSQL's "Populating a Database": an
# index built once over the loaded rows costs a fraction of a million per-row insertions into it, a
# foreign key validated once a fraction of a million per-row checks). The names are the schema's.
_LOAD_DROPS = ("ALTER TABLE outbox DROP CONSTRAINT outbox_event_id_fkey",
               "ALTER TABLE events DROP CONSTRAINT events_pkey, DROP CONSTRAINT events_event_id_key",
               "DROP INDEX events_global_order")
_LOAD_INDEXES = ("CREATE UNIQUE INDEX events_pkey ON events (stream_id, stream_version)",
                 "CREATE UNIQUE INDEX events_event_id_key ON events (event_id)",
                 "CREATE INDEX events_global_order ON events (tx_id, position)")
_LOAD_CONSTRAINTS = ("ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey,"
                     " ADD CONSTRAINT events_event_id_key UNIQUE USING INDEX events_event_id_key")
_LOAD_FOREIGN_KEY = ("ALTER TABLE outbox ADD CONSTRAINT outbox_event_id_fkey FOREIGN KEY (event_id)"
                     " REFERENCES events (event_id)")
_SCHEMA = """SELECT array_agg(d ORDER BY d) FROM (
    SELECT indexdef AS d FROM pg_indexes WHERE tablename IN ('events', 'outbox')
    UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid IN ('events'::regclass, 'outbox'::regclass)) defs"""


async def load_history_and_backlog(pool: asyncpg.Pool, events: int, topic: str, backlog: int) -> None:
    """The set-up of the reads, the rebuild, the relay and the consumer (not measured): `events`
    stored events with COPY and `backlog` outbox rows for the first of them, loaded as a migration
    would, into an empty store whose indexes and foreign key are dropped first and rebuilt after.
    The store afterwards has exactly the schema it had before (checked)."""
    schema = await pool.fetchval(_SCHEMA)
    await pool.execute("TRUNCATE events, outbox")
    for statement in _LOAD_DROPS:
        await pool.execute(statement)
    await load_history(pool, events)

    async def build(statement: str) -> None:  # the three at once: each scans the table on its own core
        async with pool.acquire() as conn:
            await conn.execute("SET maintenance_work_mem = '256MB'")
            await conn.execute(statement)
    await asyncio.gather(*(build(s) for s in _LOAD_INDEXES))
    await pool.execute(_LOAD_CONSTRAINTS)
    await relay_backlog(pool, topic, backlog)
    await pool.execute(_LOAD_FOREIGN_KEY)  # validates every backlog row at once
    if await pool.fetchval(_SCHEMA) != schema:
        raise RuntimeError("the bulk load left the event store's schema changed")
    await pool.execute("ANALYZE events")
    await pool.execute("ANALYZE outbox")


async def load_history(pool: asyncpg.Pool, events: int, per_stream: int = 5, chunk: int = 100_000) -> None:
    """`events` stored events (streams of `per_stream`) written with COPY (text format), as a migration
    would: the lines are formatted here, the server parses them once. Event ids rise with the
    position (a time-ordered id, as a migration assigning ids in order would): with random ids every
    row lands on a random page of the unique index, and the load took minutes instead of seconds.
    The reads, the rebuild and the relay measured afterwards do not look events up by id."""
    now = datetime.now(UTC).isoformat()
    actor = SYSTEM_ACTOR.model_dump_json()
    columns = ["event_id", "stream_id", "stream_version", "event_type", "schema_version", "occurred_at",
               "recorded_at", "actor", "correlation_id", "payload", "prev_hash", "hash"]
    tail = "\t".join(["0" * 64, "0" * 64]) + "\n"
    # the payload of every history event differs only in its application id: format it once
    before, after = json.dumps({"application_id": "@", "reason": REASON}, ensure_ascii=False).split("@")

    async def lines(start: int, stop: int):
        # ids spelled as uuid.UUID(int=n, version=4) would spell them (n < 2**48), without building
        # two UUID objects a row; yielded in pieces, so the server parses while the next is formatted
        for piece in range(start, stop, 5_000):
            out = []
            for i in range(piece, min(stop, piece + 5_000)):
                app = f"00000000-0000-4000-8000-{i // per_stream + 1:012x}"
                out.append(f"b0000000-0000-4000-8000-{i + 1:012x}\tapplication-{app}\t{i % per_stream + 1}"
                           f"\tApplicationWithdrawn\t1\t{now}\t{now}\t{actor}\t{app}\t{before}{app}{after}\t{tail}")
            yield "".join(out).encode()
    for start in range(0, events, chunk):
        await pool.copy_to_table("events", source=lines(start, min(events, start + chunk)), columns=columns)


async def _writers(work: Callable[[], Awaitable[int]], writers: int, runs: int, seconds: float) -> dict:
    done, stop = [0], asyncio.Event()

    async def writer() -> None:
        while not stop.is_set():
            n = await work()  # not `done[0] += await work()`: that reads the counter before the await
            done[0] += n

    async def progress() -> int:
        return done[0]
    tasks = [asyncio.create_task(writer()) for _ in range(writers)]
    try:
        return await windows(progress, runs, seconds)
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def appends(store: EventStore, batch: int, writers: int, runs: int, seconds: float) -> dict:
    async def work() -> int:
        app = uuid.uuid4()
        await store.append(f"bench-{app}", 0, [event(app) for _ in range(batch)], topic="zcb.unused", key=str(app))
        return batch
    return await _writers(work, writers, runs, seconds)


async def reads(store: EventStore, runs: int, seconds: float) -> dict:
    position = [Position()]

    async def work() -> int:
        page = await store.read_all(position[0], 500)
        position[0] = page[-1].position if len(page) == 500 else Position()
        return len(page)
    return await _writers(work, 1, runs, seconds)


async def rebuild(store: EventStore, runs: int, seconds: float) -> dict:
    """Our ProjectionRunner rebuilding a one-row-per-stream read model from the whole history."""
    await store.pool.execute("CREATE TABLE IF NOT EXISTS rebuild_view (stream_id text PRIMARY KEY,"
                             " version integer, seen integer)")
    applied = [0]

    async def apply(conn, events) -> None:
        latest: dict[str, list[int]] = {}
        for e in events:
            row = latest.setdefault(e.envelope.stream_id, [0, 0])
            row[0], row[1] = max(row[0], e.envelope.stream_version), row[1] + 1
        await conn.execute("INSERT INTO rebuild_view SELECT * FROM unnest($1::text[], $2::int[], $3::int[])"
                           " ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version,"
                           " seen = rebuild_view.seen + EXCLUDED.seen",
                           list(latest), [v[0] for v in latest.values()], [v[1] for v in latest.values()])
        applied[0] += len(events)

    runner = ProjectionRunner("bench-rebuild", store, apply, batch=500)
    await runner.reset()
    task = asyncio.create_task(runner.run())

    async def progress() -> int:
        return applied[0]
    try:
        return await windows(progress, runs, seconds)
    finally:
        runner.stop()
        await task


async def relay_backlog(pool: asyncpg.Pool, topic: str, backlog: int) -> None:
    """`backlog` outbox rows for the first history events: the relay's work (set-up, not measured)."""
    await pool.execute("INSERT INTO outbox (event_id, topic, key) SELECT event_id, $1, stream_id FROM events"
                       " ORDER BY position LIMIT $2", topic, backlog)


async def relay(dsn: str, kafka: str, backlog: int, runs: int, seconds: float) -> dict:
    """The relay draining the backlog of `backlog` outbox rows (history events) to Kafka."""
    relay = OutboxRelay(dsn, kafka, batch=500, idle_wait=0.05, principal=ADMIN)
    task = asyncio.create_task(relay.run())
    while not relay.published:
        await asyncio.sleep(0.01)  # connecting and the producer's start are set-up, not throughput

    async def progress() -> int:
        return relay.published
    try:
        result = await windows(progress, runs, seconds)
    finally:
        relay.stop()
        await task
    result["exhausted"] = relay.published >= backlog
    return result


async def consumer(pool: asyncpg.Pool, store: EventStore, kafka: str, topic: str, group: str, runs: int,
                   seconds: float) -> dict:
    """One record in, one ~500-byte event appended to a new stream with its outbox row, inbox row."""
    async def handler(conn, envelope) -> None:
        app = uuid.UUID(envelope.payload["application_id"])
        await store.append(f"derived-{uuid.uuid4()}", None, [event(app)], topic="zcb.derived", key=str(app), conn=conn)

    consume = IdempotentConsumer("bench", pool, handler, dead_letter_topic="zcb.deadletter")
    broker = build_broker(kafka, ADMIN)
    # the services' own batch (ZC_CONSUMER_BATCH's default): progress shows at each batch's commit, so
    # a smaller batch also gives finer windows (500 a batch at 100/s was one or two commits a window)
    batch = ServiceSettings.model_fields["consumer_batch"].default
    subscribe(broker, consume, [topic], group_id=group, max_records=batch)
    await broker.start()

    async def progress() -> int:
        return await pool.fetchval("SELECT count(*) FROM inbox WHERE consumer = 'bench'")
    try:
        while not await progress():
            await asyncio.sleep(0.05)  # the group join is set-up, not throughput
        return await windows(progress, runs, seconds)
    finally:
        await broker.stop()
