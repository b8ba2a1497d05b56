"""One record cannot stop a relay or a consumer, and a stall shows (real Kafka, real PostgreSQL)."""
import asyncio
import json
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from contracts import topics
from contracts.envelope import SYSTEM_ACTOR
from contracts.events import ApplicationWithdrawn
from plumbing.core import outbox_admin
from plumbing.core.consumer import IdempotentConsumer
from plumbing.core.eventstore import NewEvent
from plumbing.edges.kafka import build_broker, subscribe
from plumbing.edges.kafka_security import ADMIN, TOOL_READER, TOOL_WRITER, client_kwargs
from plumbing.core.relay import OutboxRelay
from plumbing.settings import with_database
from plumbing.stall import ConsumerWatch, Group, outbox_reasons
from tests.conftest import DATABASE_URL, KAFKA
from tests.integration.plumbing.events_for_tests import withdrawn
from tests.integration_support import create_topic, read_topic

# The services' and tools' ACLs for this session's prefix (run alone, no other test made them).
pytestmark = pytest.mark.usefixtures("kafka_topics")


def _topic_with_record_limit(max_bytes: int) -> str:
    """A topic whose operator set a record limit below our events: Kafka refuses them for good."""
    name = f"{topics._prefix()}.small.{uuid.uuid4().hex[:6]}"
    admin = KafkaAdminClient(bootstrap_servers=KAFKA, **client_kwargs(ADMIN))
    try:
        admin.create_topics([NewTopic(name, 1, 1, topic_configs={"max.message.bytes": str(max_bytes)})])
    finally:
        admin.close()
    return name


def _event(app: uuid.UUID, reason: str) -> NewEvent:
    return NewEvent(ApplicationWithdrawn(application_id=app, reason=reason), SYSTEM_ACTOR, correlation_id=app)


async def _until(probe, timeout: float = 30):
    for _ in range(int(timeout / 0.2)):
        if result := await probe():
            return result
        await asyncio.sleep(0.2)
    raise AssertionError("condition not met")


async def test_a_row_kafka_refuses_is_parked_its_key_waits_and_other_keys_go_on(database, store):
    name, pool = database
    topic = _topic_with_record_limit(3000)
    a, b = uuid.uuid4(), uuid.uuid4()
    await store.append(f"app-{a}", 0, [_event(a, "a1")], topic=topic, key=str(a))
    await store.append(f"app-{a}", 1, [_event(a, "a2 " + "长" * 1500)], topic=topic, key=str(a))  # ~4.5 KB
    await store.append(f"app-{a}", 2, [_event(a, "a3")], topic=topic, key=str(a))
    await store.append(f"app-{b}", 0, [_event(b, "b1")], topic=topic, key=str(b))
    relay = OutboxRelay(with_database(DATABASE_URL, name), KAFKA, idle_wait=0.2, principal=TOOL_WRITER)
    task = asyncio.create_task(relay.run())
    try:
        parked = await _until(lambda: outbox_admin.parked_rows(pool))
        assert len(parked) == 1 and parked[0]["held"] == 1 and "MessageSizeTooLarge" in parked[0]["park_error"]
        await store.append(f"app-{b}", 1, [_event(b, "b2")], topic=topic, key=str(b))
        seen = await read_topic(topic, timeout=20, done=lambda r: len(r) >= 3)
        assert [v["payload"]["reason"] for _, v, _ in seen] == ["a1", "b1", "b2"]  # a3 waits behind a2
        assert any("parked" in r for r in await outbox_reasons(pool, threshold_s=0))

        assert await outbox_admin.retry(pool, parked[0]["id"])  # still too large: parked again
        await _until(lambda: outbox_admin.parked_rows(pool))
        assert await outbox_admin.discard(pool, parked[0]["id"], "operator-test")
        seen = await read_topic(topic, timeout=20, done=lambda r: len(r) >= 4)
        assert [v["payload"]["reason"] for _, v, _ in seen] == ["a1", "b1", "b2", "a3"]
        assert await _until(lambda: _no_reasons(pool))
        assert not await outbox_admin.discard(pool, parked[0]["id"], "twice")  # nothing parked any more
    finally:
        relay.stop()
        await asyncio.wait_for(task, 15)
    row = await pool.fetchrow("SELECT discarded_by, published_at FROM outbox WHERE id = $1", parked[0]["id"])
    assert row["discarded_by"] == "operator-test" and row["published_at"] is None


async def _async(value):
    return value


async def _no_reasons(pool):
    return not await outbox_reasons(pool, threshold_s=0)


async def test_an_event_larger_than_the_limit_is_refused_before_anything_is_stored(store):
    from contracts.limits import EVENT_MAX_BYTES
    from plumbing.core.eventstore import EventTooLarge

    app = uuid.uuid4()
    try:
        await store.append(f"app-{app}", 0, [_event(app, "x" * EVENT_MAX_BYTES)], topic="t")
        raise AssertionError("an oversized event must be refused")
    except EventTooLarge as refused:
        assert refused.status == 413 and refused.details["limit"] == EVENT_MAX_BYTES
    assert await store.load_stream(f"app-{app}") == []
    assert await store.pool.fetchval("SELECT count(*) FROM outbox") == 0


async def test_poison_records_are_dead_lettered_small_and_the_good_ones_after_them_processed(database, store):
    name, pool = database
    source = create_topic(f"{topics._prefix()}.poison.{uuid.uuid4().hex[:6]}", partitions=1)
    dead_topic = create_topic(f"{topics._prefix()}.dead.{uuid.uuid4().hex[:6]}", partitions=1)
    handled = []

    async def handler(conn, envelope):
        handled.append(envelope.payload["reason"])

    consumer = IdempotentConsumer("poisoned", pool, handler, dead_letter_topic=dead_topic)
    broker = build_broker(KAFKA, TOOL_READER)
    subscribe(broker, consumer, [source], group_id=f"tool-{uuid.uuid4().hex[:6]}")
    app = uuid.uuid4()
    good = [(await store.append(f"app-{app}", i, [withdrawn(app, i)]))[0] for i in range(5)]
    poisons = [b'{"a":' * 5000 + b"1" + b"}" * 5000,      # 30 KB nested 5,000 deep
               b"\x01\x02\x1b" * 70_000,                   # 200 KB of control bytes
               None,                                       # a tombstone
               b"\xff" * 10]                               # not UTF-8
    relay = OutboxRelay(with_database(DATABASE_URL, name), KAFKA, idle_wait=0.2, principal=TOOL_WRITER)
    relay_task = asyncio.create_task(relay.run())
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, **client_kwargs(TOOL_WRITER))
    await producer.start()
    await broker.start()
    try:
        await producer.send_and_wait(source, good[0].model_dump_json().encode(), key=str(app).encode())
        for poison, envelope in zip(poisons, good[1:]):
            await producer.send_and_wait(source, poison, key=str(app).encode(), headers=[("h", b"\xff\xfe")])
            await producer.send_and_wait(source, envelope.model_dump_json().encode(), key=str(app).encode())
        letters = await read_topic(dead_topic, expect=4, timeout=45)
    finally:
        await broker.stop()
        await producer.stop()
        relay.stop()
        await asyncio.wait_for(relay_task, 15)
    assert handled == ["r0", "r1", "r2", "r3", "r4"]
    assert [letter["error"].split(":")[0] for _, letter, _ in letters] == ["TOO_DEEP", "NOT_JSON", "TOMBSTONE", "NOT_UTF8"]
    sizes = await pool.fetch("SELECT octet_length(raw::text) AS n FROM outbox WHERE raw IS NOT NULL")
    assert len(sizes) == 4 and max(r["n"] for r in sizes) < 4096  # a description, never the payload
    assert letters[1][1]["value"]["length"] == 210_000


async def test_a_consumer_that_stops_committing_while_records_wait_is_reported_and_clears(database):
    topic = create_topic(f"{topics._prefix()}.stall.{uuid.uuid4().hex[:6]}", partitions=2)
    group = f"tool-stalled-{uuid.uuid4().hex[:6]}"
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, **client_kwargs(TOOL_WRITER))
    await producer.start()
    try:
        for i in range(3):
            await producer.send_and_wait(topic, json.dumps({"n": i}).encode(), key=b"k", partition=0)
    finally:
        await producer.stop()
    watch = ConsumerWatch(KAFKA, [Group(group, [topic])], threshold_s=1, interval_s=0.5, client=client_kwargs(ADMIN))
    task = asyncio.create_task(watch.run())
    try:
        async def both_reported():
            reasons = watch.current()
            return any("nothing committed" in r for r in reasons) and any("oldest unprocessed" in r for r in reasons)

        assert await _until(both_reported)
        await _commit_to_end(group, topic)
        assert await _until(lambda: _async(watch.current() == []))
    finally:
        watch.stop()
        await asyncio.wait_for(task, 15)


async def test_a_stall_watcher_whose_kafka_call_never_answers_starts_again_with_new_clients(database):
    """Seen after a broker restart: one of the watcher's Kafka calls never returned, so /readyz
    reported "not checked" until the service was restarted by hand."""
    topic = create_topic(f"{topics._prefix()}.stall.{uuid.uuid4().hex[:6]}", partitions=1)
    watch = ConsumerWatch(KAFKA, [Group(f"tool-hang-{uuid.uuid4().hex[:6]}", [topic])], threshold_s=2, interval_s=0.2,
                          answer_within_s=1, client=client_kwargs(ADMIN))
    looks, answer = [], watch.look

    async def hangs_the_first_time(admin, reader):
        looks.append(admin)
        if len(looks) == 1:
            await asyncio.Event().wait()  # a call that never answers
        return await answer(admin, reader)

    watch.look = hangs_the_first_time
    task = asyncio.create_task(watch.run())
    try:
        assert await _until(lambda: _async(watch.checked_at is not None))
        assert looks[0] is not looks[-1]  # the second session's own admin client
        assert watch.current() == []
    finally:
        watch.stop()
        await asyncio.wait_for(task, 15)


async def _commit_to_end(group: str, topic: str) -> None:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=KAFKA, group_id=group, auto_offset_reset="earliest",
                                enable_auto_commit=False, **client_kwargs(TOOL_READER))
    await consumer.start()
    try:
        while len(await consumer.getmany(timeout_ms=1000)) or not consumer.assignment():
            pass
        await consumer.commit()
    finally:
        await consumer.stop()
