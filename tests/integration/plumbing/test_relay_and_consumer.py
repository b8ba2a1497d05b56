"""Outbox relay and idempotent consumer against the real Kafka broker and PostgreSQL."""
import asyncio
import json
import os
import subprocess
import sys
import uuid

import pytest
from collections import defaultdict

from aiokafka import AIOKafkaProducer

from contracts import topics
from contracts.errors import Refused
from plumbing.core.consumer import IdempotentConsumer
from plumbing.edges.kafka import build_broker, subscribe
from plumbing.edges.kafka_security import TOOL_READER, TOOL_WRITER, client_kwargs
from plumbing.settings import with_database
from tests.conftest import DATABASE_URL, KAFKA
from tests.integration.plumbing.events_for_tests import deriving_handler, withdrawn
from tests.integration_support import create_topic, read_topic


def _relay(dbname: str, *, batch: int, crash_after: int = 0) -> subprocess.Popen:
    env = dict(os.environ, ZC_RELAY_CRASH_AFTER=str(crash_after), ZC_KAFKA_USER=TOOL_WRITER)
    return subprocess.Popen([sys.executable, "-m", "plumbing.core.relay_main", with_database(DATABASE_URL, dbname), KAFKA,
                             str(batch)], env=env, stderr=subprocess.DEVNULL)


def _first_occurrences(records):
    seen, firsts = set(), []
    for key, value, _ in records:
        if value["event_id"] not in seen:
            seen.add(value["event_id"])
            firsts.append((key, value))
    return firsts


async def test_relay_killed_mid_batch_and_restarted_loses_nothing_and_keeps_order_per_application(
        database, store, kafka_topics):
    name, _pool = database
    topic = create_topic(f"{topics._prefix()}.relaytest.{uuid.uuid4().hex[:6]}")
    apps = [uuid.uuid4() for _ in range(10)]
    for version in range(20):
        for app in apps:
            await store.append(f"app-{app}", version, [withdrawn(app, version)], topic=topic, key=str(app))
    crashed = _relay(name, batch=50, crash_after=50)
    try:
        assert crashed.wait(timeout=180) == 17  # died after Kafka took 50 rows, before marking them (slow when busy)
    finally:
        if crashed.poll() is None:  # a relay that did not crash must not outlive the test
            crashed.kill()
    assert await store.pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 200
    restarted = _relay(name, batch=50)
    try:
        records = await read_topic(topic, expect=250, timeout=60)
    finally:
        restarted.terminate()
        restarted.wait(timeout=30)
    firsts = _first_occurrences(records)
    assert len(records) == 250 and len(firsts) == 200  # 50 published twice, none lost
    versions = defaultdict(list)
    for key, value in firsts:
        assert key.decode() == value["payload"]["application_id"]
        versions[key].append(value["stream_version"])
    assert all(v == list(range(1, 21)) for v in versions.values())
    headers = records[0][2]
    assert {"event_type", "schema_version", "correlation_id", "event_id"} <= headers.keys()


async def test_redelivered_event_changes_nothing_the_second_time(database, store, kafka_topics):
    _name, pool = database
    source = create_topic(f"{topics._prefix()}.redelivery.{uuid.uuid4().hex[:6]}")
    handled = []

    handler = deriving_handler(store, handled)

    consumer = IdempotentConsumer("test-consumer", pool, handler, dead_letter_topic=topics.dead_letter())
    broker = build_broker(KAFKA, TOOL_READER)
    subscribe(broker, consumer, [source], group_id=f"tool-{uuid.uuid4().hex[:6]}")
    app = uuid.uuid4()
    envelope = (await store.append(f"app-{app}", 0, [withdrawn(app)]))[0]
    value = envelope.model_dump_json().encode()
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, **client_kwargs(TOOL_WRITER))
    await producer.start()
    await broker.start()
    try:
        # The same event twice (a relay retry), then garbage, then a second good event.
        await producer.send_and_wait(source, value, key=str(app).encode())
        await producer.send_and_wait(source, value, key=str(app).encode())
        await producer.send_and_wait(source, b"{not json", key=str(app).encode())
        second = (await store.append(f"app-{app}", 1, [withdrawn(app, 1)]))[0]
        await producer.send_and_wait(source, second.model_dump_json().encode(), key=str(app).encode())
        for _ in range(200):
            if await pool.fetchval("SELECT count(*) FROM inbox WHERE consumer='test-consumer'") >= 2 and \
                    await pool.fetchval("SELECT count(*) FROM outbox WHERE raw IS NOT NULL") >= 1:
                break
            await asyncio.sleep(0.1)
    finally:
        await broker.stop()
        await producer.stop()
    assert handled == [envelope.event_id, second.event_id]
    assert len(await store.load_stream(f"derived-{app}")) == 2
    dead = json.loads(await pool.fetchval("SELECT raw::text FROM outbox WHERE raw IS NOT NULL"))
    assert dead["consumer"] == "test-consumer" and dead["error"].startswith("NOT_JSON")
    assert dead["value"]["length"] == len(b"{not json") and "payload" not in dead


async def test_a_record_the_handler_refuses_goes_to_dead_letter_and_leaves_no_changes(database, store):
    from plumbing.core.consumer import Record

    _name, pool = database

    async def handler(conn, envelope):
        await conn.execute("CREATE TABLE IF NOT EXISTS side (x int)")
        await conn.execute("INSERT INTO side VALUES (1)")
        raise Refused("领域拒绝", "refused by the domain")

    consumer = IdempotentConsumer("refusing", pool, handler, dead_letter_topic="dlq")
    app = uuid.uuid4()
    env = (await store.append(f"app-{app}", 0, [withdrawn(app)]))[0]
    record = Record("src", 0, 0, b"k", env.model_dump_json().encode())
    first = await consumer.process([record])
    second = await consumer.process([record])
    assert (first.dead_lettered, second.duplicates) == (1, 1)
    assert await pool.fetchval("SELECT to_regclass('side')") is None  # the savepoint took it all back
    assert await pool.fetchval("SELECT status FROM inbox WHERE consumer='refusing'") == "dead_letter"


async def test_a_tombstone_or_a_key_that_is_not_utf8_is_dead_lettered_not_stuck(database):
    from plumbing.core.consumer import Record

    _name, pool = database

    async def handler(conn, envelope):
        raise AssertionError("never called for undecodable records")

    consumer = IdempotentConsumer("poison", pool, handler, dead_letter_topic="dlq")
    result = await consumer.process([Record("src", 0, 0, b"\xff\xfe", None), Record("src", 0, 1, None, b"\x00")])
    assert result.dead_lettered == 2
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE raw IS NOT NULL") == 2


async def test_a_record_failing_for_a_transient_reason_or_a_bug_is_retried_then_parked_whole_with_its_inbox_row_released(
        database, store):
    from plumbing.core.consumer import MAX_ATTEMPTS, Record

    _name, pool = database
    calls = []

    async def handler(conn, envelope):
        calls.append(envelope.event_id)
        raise KeyError("a bug: not the record's fault")

    consumer = IdempotentConsumer("flaky", pool, handler, dead_letter_topic="dlq")
    app = uuid.uuid4()
    env = (await store.append(f"app-{app}", 0, [withdrawn(app)]))[0]
    record = Record("src", 3, 7, b"k", env.model_dump_json().encode())
    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(KeyError):  # the batch rolls back and is delivered again
            await consumer.process([record])
        assert await pool.fetchval("SELECT count(*) FROM inbox WHERE consumer = 'flaky'") == 0
    result = await consumer.process([record])
    assert (result.parked, result.dead_lettered) == (1, 0) and len(calls) == MAX_ATTEMPTS
    assert await pool.fetchval("SELECT count(*) FROM inbox WHERE consumer = 'flaky'") == 0  # released
    parked = await pool.fetchrow("SELECT * FROM parked_records WHERE consumer = 'flaky'")
    assert (parked["topic"], parked["kafka_partition"], parked["kafka_offset"]) == ("src", 3, 7)
    assert (parked["key"], parked["value"]) == (record.key, record.value) and parked["error"].startswith("KeyError")
    letter = json.loads(await pool.fetchval("SELECT raw::text FROM outbox WHERE raw IS NOT NULL"))
    assert letter["parked"] == parked["id"] and "payload" not in letter


async def test_a_record_delivered_again_while_parked_is_not_parked_twice(database, store):
    from plumbing.core.consumer import Record

    _name, pool = database

    async def handler(conn, envelope):
        raise TypeError("a bug")

    consumer = IdempotentConsumer("again", pool, handler, dead_letter_topic="dlq", max_attempts=1)
    app = uuid.uuid4()
    env = (await store.append(f"app-{app}", 0, [withdrawn(app)]))[0]
    record = Record("src", 0, 1, b"k", env.model_dump_json().encode())
    assert (await consumer.process([record])).parked == 1
    assert (await consumer.process([record])).parked == 1  # seen again: it waits behind itself, once
    assert await pool.fetchval("SELECT count(*) FROM parked_records") == 1
