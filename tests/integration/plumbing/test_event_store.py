"""The event store against the real PostgreSQL."""
import asyncio
import uuid

import pytest

from plumbing.core.eventstore import ConcurrencyConflict, Position
from tests.integration.plumbing.events_for_tests import withdrawn


async def test_two_concurrent_appends_to_one_stream_exactly_one_wins(store):
    app = uuid.uuid4()
    await store.append(f"app-{app}", 0, [withdrawn(app)])
    results = await asyncio.gather(*(store.append(f"app-{app}", 1, [withdrawn(app, i)]) for i in range(2)),
                                   return_exceptions=True)
    assert sum(isinstance(r, ConcurrencyConflict) for r in results) == 1
    assert [e.stream_version for e in await store.load_stream(f"app-{app}")] == [1, 2]


async def test_append_with_stale_expected_version_is_refused_and_writes_nothing(store):
    app = uuid.uuid4()
    await store.append(f"app-{app}", 0, [withdrawn(app), withdrawn(app, 1)])
    with pytest.raises(ConcurrencyConflict) as refused:
        await store.append(f"app-{app}", 1, [withdrawn(app, 2)])
    assert refused.value.status == 409 and refused.value.message_zh and refused.value.message_en
    assert len(await store.load_stream(f"app-{app}")) == 2


async def test_retried_append_with_the_same_event_id_is_a_no_op(store):
    app = uuid.uuid4()
    event = withdrawn(app)
    first = await store.append(f"app-{app}", 0, [event], topic="t")
    again = await store.append(f"app-{app}", 0, [event], topic="t")
    assert first == again
    assert len(await store.load_stream(f"app-{app}")) == 1
    assert await store.pool.fetchval("SELECT count(*) FROM outbox") == 1


async def test_every_event_is_hash_chained_and_tampering_is_detected(store):
    app = uuid.uuid4()
    await store.append(f"app-{app}", 0, [withdrawn(app, i) for i in range(3)])
    assert await store.verify_stream(f"app-{app}") == (True, None)
    await store.pool.execute(
        "UPDATE events SET payload = jsonb_set(payload, '{reason}', '\"forged\"') "
        "WHERE stream_id = $1 AND stream_version = 2", f"app-{app}")
    assert await store.verify_stream(f"app-{app}") == (False, 2)


async def test_events_and_outbox_rows_commit_together_or_not_at_all(store):
    app = uuid.uuid4()
    async with store.pool.acquire() as conn:
        with pytest.raises(RuntimeError):
            async with conn.transaction():
                await store.append(f"app-{app}", 0, [withdrawn(app)], topic="t", conn=conn)
                raise RuntimeError("crash before commit")
    assert await store.load_stream(f"app-{app}") == []
    assert await store.pool.fetchval("SELECT count(*) FROM outbox") == 0


async def test_tailing_reader_sees_every_event_of_concurrent_writers_in_a_consistent_order(store):
    writers, per_writer = 8, 40
    seen, position = [], Position()
    done = asyncio.Event()

    async def writer(w: int) -> None:
        app = uuid.uuid4()
        for i in range(per_writer):
            await store.append(f"app-{app}", i, [withdrawn(app, i)])
            if i % 7 == 0:
                await asyncio.sleep(0)

    async def slow_writer() -> None:
        # Holds a transaction open across other writers' commits: the classic late-commit gap.
        app = uuid.uuid4()
        async with store.pool.acquire() as conn, conn.transaction():
            await store.append(f"app-{app}", 0, [withdrawn(app, 999)], conn=conn)
            await asyncio.sleep(0.5)

    async def reader() -> None:
        nonlocal position
        while True:
            batch = await store.read_all(position, limit=50)
            for stored in batch:
                seen.append(stored)
                position = stored.position
            if not batch:
                if done.is_set():
                    return
                await asyncio.sleep(0.01)

    read_task = asyncio.create_task(reader())
    await asyncio.gather(slow_writer(), *(writer(w) for w in range(writers)))
    await asyncio.sleep(0.2)
    done.set()
    await read_task
    total = writers * per_writer + 1
    assert len(seen) == total and len({s.envelope.event_id for s in seen}) == total
    positions = [s.position for s in seen]
    assert positions == sorted(positions)
    again = await store.read_all(Position(), limit=10_000)
    assert [s.envelope.event_id for s in again] == [s.envelope.event_id for s in seen]
