"""`make bench`: throughput and latency of the parts the filing peak leans on, on this machine.

Measures (each against the real PostgreSQL and Kafka, in throw-away databases and topics):
1. single-event appends from 16 concurrent writers to distinct streams (the deadline rush);
2. 100-event batch appends (and, as the floor, a plain one-row INSERT from 16 clients);
3. the outbox relay draining to Kafka;
4. the idempotent consumer (FastStream batch subscriber, inbox + append + outbox per event).
Prints a table and writes reports/bench-<timestamp>.{md,json}. Figures, not assertions.
"""
from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from kafka.admin import KafkaAdminClient, NewTopic

from contracts.envelope import SYSTEM_ACTOR
from contracts.events import ApplicationWithdrawn
from plumbing.consumer import IdempotentConsumer
from plumbing.db import open_pool
from plumbing.eventstore import EventStore, NewEvent
from plumbing.kafka import build_broker, subscribe
from plumbing.relay import OutboxRelay
from plumbing.settings import database_url, kafka_bootstrap, with_database

DB = database_url()  # DATABASE_URL, else the stack on ZC_PG_PORT
KAFKA = kafka_bootstrap()  # ZC_KAFKA_BOOTSTRAP, else the broker on ZC_KAFKA_PORT
RUN = uuid.uuid4().hex[:6]
REPORTS = Path(__file__).resolve().parents[1] / "reports"


def event(app: uuid.UUID, n: int = 0) -> NewEvent:
    return NewEvent(ApplicationWithdrawn(application_id=app, reason=f"bench {n}"), SYSTEM_ACTOR, correlation_id=app)


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


async def concurrent_writes(write, writers: int = 16, per_writer: int = 250) -> dict:
    """`writers` clients each calling `write()` `per_writer` times: throughput and latency."""
    latencies: list[float] = []

    async def writer() -> None:
        for _ in range(per_writer):
            start = time.perf_counter()
            await write()
            latencies.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(writers)))
    elapsed = time.perf_counter() - start
    return {"events": writers * per_writer, "seconds": elapsed, "events_per_s": writers * per_writer / elapsed,
            "p50_ms": pct(latencies, 50), "p99_ms": pct(latencies, 99)}


async def baseline_inserts(pool: asyncpg.Pool) -> dict:
    """The floor on this machine: a plain one-row autocommit INSERT from the same number of clients."""
    await pool.execute("CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial PRIMARY KEY, v text)")
    return await concurrent_writes(lambda: pool.execute("INSERT INTO bench_baseline (v) VALUES ('x')"))


async def single_appends(store: EventStore, topic: str) -> dict:
    async def append_one() -> None:
        app = uuid.uuid4()
        await store.append(f"app-{app}", 0, [event(app)], topic=topic, key=str(app))
    return await concurrent_writes(append_one)


async def batch_appends(store: EventStore, batches: int = 40, size: int = 100) -> dict:
    latencies = []
    for _ in range(batches):
        app = uuid.uuid4()
        start = time.perf_counter()
        await store.append(f"app-{app}", 0, [event(app, i) for i in range(size)])
        latencies.append((time.perf_counter() - start) * 1000)
    total = sum(latencies) / 1000
    return {"events": batches * size, "seconds": total, "events_per_s": batches * size / total,
            "p50_ms_per_batch": pct(latencies, 50), "p99_ms_per_batch": pct(latencies, 99)}


async def relay_drain(pool: asyncpg.Pool, dsn: str) -> dict:
    pending = await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
    relay = OutboxRelay(dsn, KAFKA, batch=500, idle_wait=0.05)
    task = asyncio.create_task(relay.run())
    start = time.perf_counter()
    while await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"):
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - start
    relay.stop()
    await task
    return {"events": pending, "seconds": elapsed, "events_per_s": pending / elapsed}


async def consume(pool: asyncpg.Pool, store: EventStore, topic: str, count: int) -> dict:
    async def handler(conn, envelope):
        app = uuid.UUID(envelope.payload["application_id"])
        await store.append(f"derived-{app}", None, [event(app)], topic="bench.out", conn=conn)

    consumer = IdempotentConsumer("bench", pool, handler, dead_letter_topic="bench.dlq")
    broker = build_broker(KAFKA)
    subscribe(broker, consumer, [topic], group_id=f"bench-{RUN}", max_records=500)
    await broker.start()
    while not await pool.fetchval("SELECT count(*) FROM inbox WHERE consumer = 'bench'"):
        await asyncio.sleep(0.01)  # the group join is set-up, not throughput
    start = time.perf_counter()
    while await pool.fetchval("SELECT count(*) FROM inbox WHERE consumer = 'bench'") < count:
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - start
    await broker.stop()
    return {"events": count, "seconds": elapsed, "events_per_s": count / elapsed}


async def main() -> dict:
    name = f"zc_bench_{RUN}"
    topic = f"zc.bench.{RUN}"
    admin = KafkaAdminClient(bootstrap_servers=KAFKA)
    admin.create_topics([NewTopic(topic, num_partitions=6, replication_factor=1)])
    admin.close()
    pool = await open_pool(DB, name, max_size=20)
    store = EventStore(pool)
    try:
        results = {"baseline_plain_insert_16_clients": await baseline_inserts(pool),
                   "single_appends_16_writers": await single_appends(store, topic=topic),
                   "batch_appends_100": await batch_appends(store)}
        results["relay_to_kafka"] = await relay_drain(pool, with_database(DB, name))
        results["consumer_inbox_append"] = await consume(pool, store, topic, results["relay_to_kafka"]["events"])
    finally:
        await pool.close()
        conn = await asyncpg.connect(with_database(DB, "postgres"))
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
    return results


def write_report(results: dict) -> Path:
    REPORTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["# zhicheng benchmark", "", f"{stamp}, {os.cpu_count()} cores, PostgreSQL + Kafka on loopback", "",
             "| measure | events | seconds | events/s | latency |", "|---|---|---|---|---|"]
    for key, r in results.items():
        latency = " / ".join(f"{k} {v:.1f}" for k, v in r.items() if k.startswith("p"))
        lines.append(f"| {key} | {r['events']} | {r['seconds']:.2f} | {r['events_per_s']:.0f} | {latency or '-'} |")
    md = REPORTS / f"bench-{stamp}.md"
    md.write_text("\n".join(lines) + "\n")
    (REPORTS / f"bench-{stamp}.json").write_text(json.dumps(results, indent=2))
    print("\n".join(lines))
    return md


if __name__ == "__main__":
    print(f"report: {write_report(asyncio.run(main()))}")
