"""One contract, two stores: the PostgreSQL event store and the in-memory one that unit tests of
use cases and reactions use must behave the same for everything the application layer relies on."""
import asyncio
import uuid

import pytest
import pytest_asyncio

from contracts.errors import Conflict
from plumbing.core.eventstore import ConcurrencyConflict, EventStore, Position
from plumbing.core.memory_store import InMemoryEventStore
from tests.integration.plumbing.events_for_tests import withdrawn
from tests.integration_support import drop_database, migrated_pool


@pytest_asyncio.fixture(params=["postgresql", "memory"])
async def any_store(request):
    if request.param == "memory":
        yield InMemoryEventStore()
        return
    name, pool = await migrated_pool("store", max_size=5)
    yield EventStore(pool)
    await pool.close()
    await drop_database(name)


async def test_a_new_stream_starts_at_version_one_and_counts_up(any_store):
    app = uuid.uuid4()
    saved = await any_store.append(f"app-{app}", 0, [withdrawn(app, 0), withdrawn(app, 1)], topic="t")
    assert [e.stream_version for e in saved] == [1, 2]
    assert [e.payload["reason"] for e in await any_store.load_stream(f"app-{app}")] == ["r0", "r1"]


async def test_of_two_appends_at_the_same_version_exactly_one_wins(any_store):
    app = uuid.uuid4()
    await any_store.append(f"app-{app}", 0, [withdrawn(app)])
    results = await asyncio.gather(*(any_store.append(f"app-{app}", 1, [withdrawn(app, i)]) for i in range(2)),
                                   return_exceptions=True)
    assert sum(isinstance(r, ConcurrencyConflict) for r in results) == 1
    assert [e.stream_version for e in await any_store.load_stream(f"app-{app}")] == [1, 2]


async def test_a_stale_expected_version_is_refused_and_writes_nothing(any_store):
    app = uuid.uuid4()
    await any_store.append(f"app-{app}", 0, [withdrawn(app)])
    with pytest.raises(ConcurrencyConflict):
        await any_store.append(f"app-{app}", 0, [withdrawn(app, 1)])
    assert len(await any_store.load_stream(f"app-{app}")) == 1


async def test_a_retried_append_returns_what_was_stored_and_adds_nothing(any_store):
    app = uuid.uuid4()
    event = withdrawn(app)
    assert await any_store.append(f"app-{app}", 0, [event]) == await any_store.append(f"app-{app}", 0, [event])
    assert len(await any_store.load_stream(f"app-{app}")) == 1


async def test_an_event_id_already_used_on_another_stream_is_refused(any_store):
    app, event_id = uuid.uuid4(), uuid.uuid4()
    await any_store.append(f"app-{app}", 0, [withdrawn(app, event_id=event_id)])
    with pytest.raises(Conflict):
        await any_store.append(f"other-{app}", 0, [withdrawn(app, event_id=event_id)])


async def test_the_hash_chain_of_an_untouched_stream_verifies(any_store):
    app = uuid.uuid4()
    await any_store.append(f"app-{app}", 0, [withdrawn(app, i) for i in range(3)])
    assert await any_store.verify_stream(f"app-{app}") == (True, None)


async def test_the_global_order_lists_every_event_once_and_can_be_resumed(any_store):
    apps = [uuid.uuid4() for _ in range(3)]
    for app in apps:
        await any_store.append(f"app-{app}", 0, [withdrawn(app, 0), withdrawn(app, 1)])
    everything = [s for s in await any_store.read_all(Position(), 10_000)
                  if s.envelope.stream_id in {f"app-{a}" for a in apps}]
    assert len(everything) == 6 and [s.position for s in everything] == sorted(s.position for s in everything)
    rest = await any_store.read_all(everything[2].position, 10_000)
    assert [s.envelope.event_id for s in rest][:3] == [s.envelope.event_id for s in everything[3:6]]
