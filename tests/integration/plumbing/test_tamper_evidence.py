"""Tampering with a service's database directly, as a compromised database login would, and
competently: every stream's hash chain recomputed afterwards, so the database alone still says
"intact" (each test asserts that first). The audit topic's links and the signed checkpoints catch
each change; without them (the database checking itself) none would be caught."""
from __future__ import annotations

import asyncio
import uuid

import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contracts import topics
from plumbing.core.audit_verify import _chains, database_clock, read_audit_topic, verify_database
from plumbing.core.checkpoints import ISOLATION, checkpoint_job
from plumbing.core.periodic import PeriodicJob, PeriodicRunner
from plumbing.core.unit_of_work import PostgresUnitOfWork
from plumbing.core.eventstore import EventStore, GENESIS_HASH, Witness, all_stored, chain_hash
from plumbing.core.relay import OutboxRelay
from plumbing.edges.kafka_security import AUDITOR, TOOL_WRITER, client_kwargs
from plumbing.settings import with_database
from tests.conftest import DATABASE_URL, KAFKA
from tests.integration.plumbing.events_for_tests import withdrawn


class Log:
    """One service's store with its witness, a relay, and the auditor's check."""

    def __init__(self, name: str, pool) -> None:
        self.service = f"svc{uuid.uuid4().hex[:8]}"  # the session's audit topic is shared: our own name
        self.key = Ed25519PrivateKey.generate()
        self.store = EventStore(pool, witness=Witness(self.service, topics.audit()))
        self.dsn = with_database(DATABASE_URL, name)
        self.streams = [f"app-{uuid.uuid4()}" for _ in range(3)]

    async def append(self, stream: str, n: int) -> None:
        await self.store.append(stream, None, [withdrawn(uuid.uuid4(), i) for i in range(n)])

    async def checkpoint(self) -> dict:
        """One run of the service's checkpoint job, as its periodic-job runner runs it."""
        runner = PeriodicRunner(self.dsn, lambda **kw: PostgresUnitOfWork(self.store.pool, None, **kw), [],
                                service=self.service)
        return await runner.tick(PeriodicJob("audit-checkpoint", checkpoint_job(self.service, self.key, topics.audit()),
                                             every=60, isolation=ISOLATION))

    async def publish(self) -> None:
        relay = OutboxRelay(self.dsn, KAFKA, idle_wait=0.2, principal=TOOL_WRITER)
        task = asyncio.create_task(relay.run())
        try:
            for _ in range(300):
                if not await self.store.pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"):
                    return
                await asyncio.sleep(0.1)
            raise AssertionError("the relay did not publish the outbox")
        finally:
            relay.stop()
            await task

    async def audit(self):
        async with self.store.pool.acquire() as conn:
            since = await database_clock(conn)
            records = await read_audit_topic(KAFKA, topics.audit(), client_kwargs(AUDITOR))
            found, _summary = await verify_database(conn, self.service, records, self.key.public_key(), since=since)
        return found

    async def database_alone_says_intact(self) -> bool:
        async with self.store.pool.acquire() as conn:
            return _chains(await all_stored(conn)) == []


@pytest_asyncio.fixture
async def log(database, kafka_topics):
    """Three streams of four events, a signed checkpoint, then two more events on the first
    stream after it, everything published: the auditor finds it intact."""
    log = Log(*database)
    for stream in log.streams:
        await log.append(stream, 4)
    assert await log.checkpoint()
    await log.append(log.streams[0], 2)
    await log.publish()
    assert await log.audit() == []
    return log


async def rechain(conn, stream_id: str) -> None:
    """What a careful forger does after any change: recompute the stream's hashes from v1."""
    prev = GENESIS_HASH
    for stored in sorted(await all_stored(conn, stream_id), key=lambda s: s.envelope.stream_version):
        digest = chain_hash(prev, stored.envelope)
        await conn.execute("UPDATE events SET prev_hash = $3, hash = $4 WHERE stream_id = $1 AND stream_version = $2",
                           stream_id, stored.envelope.stream_version, prev, digest)
        prev = digest


async def renumber(conn, stream_id: str) -> None:
    """Close the gaps in a stream's versions (after a deletion), keeping their order."""
    versions = [r["stream_version"] for r in await conn.fetch(
        "SELECT stream_version FROM events WHERE stream_id = $1 ORDER BY stream_version", stream_id)]
    for new, old in enumerate(versions, start=1):
        await conn.execute("UPDATE events SET stream_version = $3 WHERE stream_id = $1 AND stream_version = $2",
                           stream_id, old, new)


def codes(found) -> set[tuple[str, int | str]]:
    return {(f.what, f.version) for f in found}


async def test_an_edited_payload_with_recomputed_hashes_is_caught_by_the_audit_topic(log):
    stream = log.streams[1]
    async with log.store.pool.acquire() as conn:
        await conn.execute("UPDATE events SET payload = jsonb_set(payload, '{reason}', '\"forged\"')"
                           " WHERE stream_id = $1 AND stream_version = 2", stream)
        await rechain(conn, stream)
    assert await log.database_alone_says_intact()
    found = await log.audit()
    assert found[0].stream_id in ("", stream)
    assert ("rewritten", 2) in codes(f for f in found if f.stream_id == stream)
    assert "checkpoint-mismatch" in {f.what for f in found}


async def test_a_deleted_event_with_the_stream_renumbered_and_rechained_is_caught(log):
    stream = log.streams[1]
    async with log.store.pool.acquire() as conn:
        await conn.execute("DELETE FROM outbox WHERE event_id IN (SELECT event_id FROM events"
                           " WHERE stream_id = $1 AND stream_version = 2)", stream)
        await conn.execute("DELETE FROM events WHERE stream_id = $1 AND stream_version = 2", stream)
        await renumber(conn, stream)
        await rechain(conn, stream)
    assert await log.database_alone_says_intact()
    found = await log.audit()
    assert {("rewritten", 2), ("deleted", 4)} <= codes(f for f in found if f.stream_id == stream)


async def delete_tail(log, stream: str, versions: int) -> None:
    async with log.store.pool.acquire() as conn:
        last = await conn.fetchval("SELECT max(stream_version) FROM events WHERE stream_id = $1", stream)
        await conn.execute("DELETE FROM outbox WHERE event_id IN (SELECT event_id FROM events"
                           " WHERE stream_id = $1 AND stream_version > $2)", stream, last - versions)
        await conn.execute("DELETE FROM events WHERE stream_id = $1 AND stream_version > $2", stream, last - versions)


async def test_a_tail_deleted_after_the_last_checkpoint_is_caught_by_the_audit_topic(log):
    await delete_tail(log, log.streams[0], 2)  # versions 5 and 6 came after the checkpoint
    assert await log.database_alone_says_intact()
    found = await log.audit()
    assert codes(found) == {("deleted", 5), ("deleted", 6)}


async def test_a_tail_deleted_before_the_last_checkpoint_is_caught_by_the_checkpoint_and_the_topic(log):
    await delete_tail(log, log.streams[2], 1)  # version 4, under the checkpoint
    assert await log.database_alone_says_intact()
    found = await log.audit()
    assert ("deleted", 4) in codes(f for f in found if f.stream_id == log.streams[2])
    assert [f.version for f in found if f.what == "checkpoint-mismatch"] == [1]


async def test_reordered_rows_rechained_are_caught(log):
    stream = log.streams[1]
    async with log.store.pool.acquire() as conn:  # v2 and v3 swap places
        for old, new in ((2, 1000), (3, 2), (1000, 3)):
            await conn.execute("UPDATE events SET stream_version = $3 WHERE stream_id = $1 AND stream_version = $2",
                               stream, old, new)
        await rechain(conn, stream)
    assert await log.database_alone_says_intact()
    found = await log.audit()
    assert {("rewritten", 2), ("rewritten", 3)} <= codes(f for f in found if f.stream_id == stream)


async def test_an_inserted_row_rechained_is_caught(log):
    stream = log.streams[1]
    async with log.store.pool.acquire() as conn:
        for version in (4, 3, 2):  # make room for a new version 2
            await conn.execute("UPDATE events SET stream_version = $2 + 1 WHERE stream_id = $1 AND stream_version = $2",
                               stream, version)
        await conn.execute(
            "INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version, occurred_at,"
            " recorded_at, actor, correlation_id, causation_id, payload, prev_hash, hash)"
            " SELECT $2, stream_id, 2, event_type, schema_version, occurred_at, recorded_at, actor, correlation_id,"
            " causation_id, jsonb_set(payload, '{reason}', '\"inserted\"'), '', '' FROM events"
            " WHERE stream_id = $1 AND stream_version = 1", stream, uuid.uuid4())
        await rechain(conn, stream)
    assert await log.database_alone_says_intact()
    found = await log.audit()
    assert {("rewritten", 2), ("unwitnessed", 5)} <= codes(f for f in found if f.stream_id == stream)


async def test_a_whole_stream_rewritten_and_then_signed_afresh_is_caught_by_the_earlier_checkpoint(log):
    stream = log.streams[2]
    async with log.store.pool.acquire() as conn:
        await conn.execute("UPDATE events SET payload = jsonb_set(payload, '{reason}', '\"rewritten\"')"
                           " WHERE stream_id = $1", stream)
        await rechain(conn, stream)
    await log.append(log.streams[1], 1)  # life goes on, and the service signs what the database now says
    fresh = await log.checkpoint()
    await log.publish()
    assert fresh["seq"] == 2 and await log.database_alone_says_intact()
    found = await log.audit()
    assert [f.version for f in found if f.what == "checkpoint-mismatch"] == [1]  # the fresh one agrees
    assert {("rewritten", v) for v in range(1, 5)} <= codes(f for f in found if f.stream_id == stream)


async def test_a_checkpoint_signed_with_another_key_or_a_chain_started_again_is_caught(log):
    log.key, real = Ed25519PrivateKey.generate(), log.key
    await log.append(log.streams[1], 1)
    await log.checkpoint()  # #2, chained to #1 but not signed with the service's key
    await log.publish()
    log.key = real
    assert {(f.what, f.version) for f in await log.audit()} == {("checkpoint-signature", 2)}
    async with log.store.pool.acquire() as conn:
        await conn.execute("DELETE FROM audit_checkpoints")  # the database forgets the chain: a new #1
    await log.append(log.streams[1], 1)
    await log.checkpoint()
    await log.publish()
    assert ("checkpoint-fork", 1) in {(f.what, f.version) for f in await log.audit()}


async def test_an_untouched_log_verifies_with_its_links_and_checkpoints(log):
    records = await read_audit_topic(KAFKA, topics.audit(), client_kwargs(AUDITOR))
    mine = [r for r in records if r.get("service") == log.service]
    assert sum(r["record"] == "AuditLink" for r in mine) == 14
    assert sum(r["record"] == "AuditCheckpoint" for r in mine) == 1
    assert await log.audit() == []
