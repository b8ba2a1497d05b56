"""Retention: published outbox rows and old Idempotency-Keys go, nothing an operator or a replay
needs does (unpublished, parked, discarded rows, dead letters, inbox rows); a replay of a topic from
offset 0 after pruning changes nothing."""
import asyncio
import uuid
from datetime import timedelta

from aiokafka import AIOKafkaProducer

from contracts import topics
from plumbing.core.consumer import IdempotentConsumer
from plumbing.core.retention import RetentionPolicy, prune
from plumbing.edges.kafka import build_broker, subscribe
from plumbing.edges.kafka_security import TOOL_READER, TOOL_WRITER, client_kwargs
from tests.conftest import KAFKA
from tests.integration.plumbing.events_for_tests import deriving_handler, withdrawn
from tests.integration_support import create_topic

WEEK = RetentionPolicy()


async def test_published_rows_and_old_keys_go_and_nothing_an_operator_needs_does(database, store):
    _name, pool = database
    stored = []
    for _ in range(6):
        app = uuid.uuid4()
        stored += await store.append(f"app-{app}", 0, [withdrawn(app)], topic="t")
    ids = [r["id"] for r in await pool.fetch("SELECT id FROM outbox ORDER BY id")]
    old, young, pending, parked, discarded, old_too = ids
    await pool.execute("UPDATE outbox SET published_at = now() - interval '8 days' WHERE id = ANY($1)", [old, old_too])
    await pool.execute("UPDATE outbox SET published_at = now() - interval '6 days' WHERE id = $1", young)
    await pool.execute("UPDATE outbox SET parked_at = now() - interval '30 days', park_error = 'too large'"
                       " WHERE id = $1", parked)
    await pool.execute("UPDATE outbox SET parked_at = now() - interval '30 days', discarded_at = now() - interval"
                       " '20 days', discarded_by = 'op' WHERE id = $1", discarded)
    dead = await pool.fetchval("INSERT INTO outbox (topic, key, raw, created_at, published_at) VALUES ('dl', 'k',"
                               " '{}'::jsonb, now() - interval '30 days', now() - interval '30 days') RETURNING id")
    await pool.execute("INSERT INTO idempotency_keys (key, request_sha, status, body, created_at) VALUES"
                       " ('old', 'x', 200, '{}', now() - interval '25 hours'),"
                       " ('new', 'x', 200, '{}', now() - interval '23 hours')")
    await pool.execute("INSERT INTO inbox (consumer, event_id, topic, kafka_partition, kafka_offset, processed_at)"
                       " VALUES ('c', $1, 't', 0, 0, now() - interval '400 days')", stored[0].event_id)

    assert await prune(pool, WEEK) == {"outbox": 2, "idempotency_keys": 1}
    left = {r["id"] for r in await pool.fetch("SELECT id FROM outbox")}
    assert left == {young, pending, parked, discarded, dead}
    assert [r["key"] for r in await pool.fetch("SELECT key FROM idempotency_keys")] == ["new"]
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 1
    assert len(await store.load_stream(stored[0].stream_id)) == 1  # the events themselves stay
    assert await prune(pool, WEEK) == {"outbox": 0, "idempotency_keys": 0}


async def test_a_replay_from_offset_0_after_pruning_changes_nothing(database, store, kafka_topics):
    _name, pool = database
    source = create_topic(f"{topics._prefix()}.retention.{uuid.uuid4().hex[:6]}")
    handled = []

    handler = deriving_handler(store, handled)

    app = uuid.uuid4()
    envelope = (await store.append(f"app-{app}", 0, [withdrawn(app)]))[0]
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, **client_kwargs(TOOL_WRITER))
    await producer.start()
    try:
        await producer.send_and_wait(source, envelope.model_dump_json().encode(), key=str(app).encode())
    finally:
        await producer.stop()

    async def consume_from_the_start() -> None:  # a new group: offset 0
        consumer = IdempotentConsumer("retention-consumer", pool, handler, dead_letter_topic=topics.dead_letter())
        broker = build_broker(KAFKA, TOOL_READER)
        subscribe(broker, consumer, [source], group_id=f"tool-{uuid.uuid4().hex[:6]}")
        await broker.start()
        try:
            for _ in range(300):
                if await pool.fetchval("SELECT count(*) FROM inbox WHERE consumer = 'retention-consumer'") >= 1 \
                        and len(handled) >= 1:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(1)  # time for a second handling, were there to be one
        finally:
            await broker.stop()

    await consume_from_the_start()
    await pool.execute("UPDATE outbox SET published_at = now() - interval '8 days'")
    assert (await prune(pool, RetentionPolicy(outbox=timedelta(days=7))))["outbox"] >= 1
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0  # every row published is gone
    await consume_from_the_start()
    assert handled == [envelope.event_id]
    assert len(await store.load_stream(f"derived-{app}")) == 1
