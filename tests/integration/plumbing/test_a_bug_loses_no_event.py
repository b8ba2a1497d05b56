"""A bug in a reaction loses no event (real Kafka, real PostgreSQL, the real `zc deadletters`).

A reaction with a planted bug (a KeyError, the first mistake a newcomer makes) meets records of
one application; they are retried, then parked whole with the records of their key behind them,
while another application's records go on. After the fix, `zc deadletters redrive` applies them,
in order, and every expected effect (a read-model row and an appended event) exists exactly once,
however often the re-drive or the record comes again.
"""
import asyncio
import sys
import uuid
from dataclasses import dataclass

import pytest
from aiokafka import AIOKafkaProducer

from contracts import topics
from contracts.envelope import SYSTEM_ACTOR
from contracts.events import ApplicationWithdrawn, UnitRejected
from plumbing.core import deadletters
from plumbing.core.application import Append, Context, Recorder
from plumbing.core.reactions import Reactions
from plumbing.core.consumer import IdempotentConsumer, redrive_when_asked
from plumbing.edges.kafka import build_broker, subscribe
from plumbing.edges.kafka_security import TOOL_READER, TOOL_WRITER, client_kwargs
from plumbing.settings import with_database
from tests.conftest import DATABASE_URL, KAFKA
from tests.integration.plumbing.events_for_tests import withdrawn
from tests.integration_support import create_topic

pytestmark = pytest.mark.usefixtures("kafka_topics")


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


async def _zc(*args: str) -> Ran:
    """The tool in its own process, while this test's consumer (the "service") keeps running."""
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "zc.cli", "deadletters", *args,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return Ran(proc.returncode, out.decode(), err.decode())


class Effects:
    """The read-model port of the reaction under test."""

    def __init__(self, conn) -> None:
        self.conn = conn

    async def record(self, application_id, reason: str) -> None:
        await self.conn.execute("INSERT INTO effects (application_id, reason) VALUES ($1, $2)", application_id, reason)


async def _until(probe, timeout: float = 60):
    for _ in range(int(timeout / 0.2)):
        if result := await probe():
            return result
        await asyncio.sleep(0.2)
    raise AssertionError("condition not met")


async def test_a_planted_bug_parks_records_in_order_and_a_redrive_after_the_fix_applies_each_exactly_once(
        database, store):
    name, pool = database
    dsn = with_database(DATABASE_URL, name)
    await pool.execute("CREATE TABLE effects (seq bigserial, application_id uuid, reason text)")
    source = create_topic(f"{topics._prefix()}.bug.{uuid.uuid4().hex[:6]}", partitions=1)
    dead_topic = create_topic(f"{topics._prefix()}.bugdead.{uuid.uuid4().hex[:6]}", partitions=1)
    victim, bystander = uuid.uuid4(), uuid.uuid4()
    bug = {"planted": True}

    async def when_withdrawn_record_and_reject(e: ApplicationWithdrawn, ctx: Context) -> Append:
        if bug["planted"] and e.application_id == victim and e.reason == "r0":
            return {}["a field the author forgot"]  # the planted bug: a KeyError
        await ctx.ports.record(e.application_id, e.reason)
        return Append(f"derived-{e.application_id}", [UnitRejected(application_id=e.application_id, reason=e.reason)],
                      key=str(e.application_id))

    reactions = Reactions(Recorder(store, topic="out", actor=SYSTEM_ACTOR), Effects).add(when_withdrawn_record_and_reject)
    consumer = IdempotentConsumer("buggy", pool, reactions.handle, dead_letter_topic=dead_topic,
                                  wants=reactions.wants, max_attempts=2)
    broker = build_broker(KAFKA, TOOL_READER)
    subscribe(broker, consumer, [source], group_id=f"tool-{uuid.uuid4().hex[:6]}")
    stop = asyncio.Event()
    redriver = asyncio.create_task(redrive_when_asked(consumer, stop, every=0.2))
    victims = [(await store.append(f"app-{victim}", i, [withdrawn(victim, i)]))[0] for i in range(3)]
    bystanders = [(await store.append(f"app-{bystander}", i, [withdrawn(bystander, i)]))[0] for i in range(2)]
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, **client_kwargs(TOOL_WRITER))
    await producer.start()
    await broker.start()

    async def send(envelope):
        await producer.send_and_wait(source, envelope.model_dump_json().encode(), key=envelope.payload["application_id"].encode())

    async def effects(app):
        return [r["reason"] for r in await pool.fetch("SELECT reason FROM effects WHERE application_id = $1 ORDER BY seq", app)]

    async def derived(app):
        return [e.payload["reason"] for e in await store.load_stream(f"derived-{app}")]

    try:
        for envelope in (victims[0], bystanders[0], victims[1], bystanders[1], victims[2]):
            await send(envelope)
        parked = await _until(lambda: _when(deadletters.parked(pool), lambda rows: len(rows) == 3))
        assert [(p["event_id"], p["status"]) for p in parked] == [(v.event_id, "parked") for v in victims]
        assert parked[0]["error"].startswith("KeyError") and parked[0]["behind"] is None
        assert [p["behind"] for p in parked[1:]] == [parked[0]["id"]] * 2  # waiting in order behind the first
        whole = await deadletters.one(pool, parked[0]["id"])
        assert (whole["topic"], whole["kafka_partition"]) == (source, 0) and whole["value"] == victims[0].model_dump_json().encode()
        assert await _until(lambda: _when(effects(bystander), lambda r: r == ["r0", "r1"]))  # the other key went on
        assert await effects(victim) == [] and await derived(victim) == []
        assert await pool.fetchval("SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])",
                                   [v.event_id for v in victims]) == 0  # released, so the re-drive can apply them

        listed = await _zc("list", "--dsn", dsn)
        assert listed.returncode == 0 and listed.stdout.count("buggy") == 3

        bug["planted"] = False  # the fix
        redriven = await _zc("redrive", f"db:{parked[1]['id']}", "--dsn", dsn)  # any record of the key: the whole key, in order
        assert redriven.returncode == 0, redriven.stderr
        assert await effects(victim) == ["r0", "r1", "r2"] and await derived(victim) == ["r0", "r1", "r2"]

        again = await _zc("redrive", f"db:{parked[0]['id']}", "--dsn", dsn)  # nothing parked any more
        assert again.returncode == 1 and "no parked record" in again.stderr
        await send(victims[0])  # the record itself comes again: the inbox knows it
        await send(bystanders[1])
        later = (await store.append(f"app-{victim}", 3, [withdrawn(victim, 3)]))[0]
        await send(later)  # and the key is no longer held
        assert await _until(lambda: _when(effects(victim), lambda r: len(r) == 4))
        await asyncio.sleep(1)  # time for a wrong second application to show
    finally:
        stop.set()
        await broker.stop()
        await producer.stop()
        await asyncio.wait_for(redriver, 15)
    assert await effects(victim) == ["r0", "r1", "r2", "r3"] and await derived(victim) == ["r0", "r1", "r2", "r3"]
    assert await effects(bystander) == ["r0", "r1"] and await derived(bystander) == ["r0", "r1"]
    assert [p["status"] for p in await deadletters.parked(pool, everything=True)] == ["redriven"] * 3


async def test_a_redrive_that_fails_again_parks_the_record_again_and_keeps_its_key_behind_it(database, store):
    from plumbing.core.consumer import Record

    _name, pool = database
    fails = {"still": True}

    async def handler(conn, envelope):
        if fails["still"] and envelope.payload["reason"] == "r0":
            raise TypeError("the fix missed a case")
        await conn.execute("INSERT INTO inbox_effects VALUES ($1)", envelope.payload["reason"])

    await pool.execute("CREATE TABLE inbox_effects (reason text)")
    consumer = IdempotentConsumer("refix", pool, handler, dead_letter_topic="dlq", max_attempts=1)
    app = uuid.uuid4()
    envs = [(await store.append(f"app-{app}", i, [withdrawn(app, i)]))[0] for i in range(2)]
    records = [Record("src", 0, i, b"k", e.model_dump_json().encode()) for i, e in enumerate(envs)]
    assert (await consumer.process(records)).parked == 2
    first = (await deadletters.parked(pool))[0]["id"]
    assert await deadletters.ask_redrive(pool, first) == [first, first + 1]
    assert await consumer.redrive_requested() == 0
    rows = await deadletters.parked(pool)
    assert [(r["status"], r["behind"]) for r in rows] == [("parked", None), ("parked", first)]
    assert rows[0]["error"].startswith("TypeError") and rows[0]["attempts"] == 1
    assert await pool.fetchval("SELECT count(*) FROM inbox_effects") == 0
    fails["still"] = False
    await deadletters.ask_redrive(pool)
    assert await consumer.redrive_requested() == 2
    assert [r["reason"] for r in await pool.fetch("SELECT reason FROM inbox_effects")] == ["r0", "r1"]


async def _when(coro, test):
    value = await coro
    return value if test(value) else None
