"""The in-memory unit of work (cosmicpython's FakeUnitOfWork) keeps the real one's promises: a
block that ends commits, a block that raises leaves nothing behind, and the HTTP edge's
Idempotency-Key record answers a retry as the first request was answered."""
import uuid
from dataclasses import dataclass, field

import pytest

from contracts.envelope import SYSTEM_ACTOR
from contracts.errors import InvalidInput
from contracts.events import ApplicationWithdrawn
from plumbing.core.application import Recorder
from plumbing.core.idempotency import run_in
from plumbing.core.memory_store import InMemoryEventStore
from plumbing.core.unit_of_work import InMemoryUnitOfWork


@dataclass
class Seen:
    ids: set = field(default_factory=set)


@dataclass
class Ports:
    seen: Seen = field(default_factory=Seen)


def uow() -> InMemoryUnitOfWork[Ports]:
    return InMemoryUnitOfWork(Recorder(InMemoryEventStore(), topic="out", actor=SYSTEM_ACTOR), Ports())


def withdrawn(app: uuid.UUID) -> ApplicationWithdrawn:
    return ApplicationWithdrawn(application_id=app, reason="个人原因")


async def test_a_block_that_ends_commits_its_events_outbox_rows_and_port_writes():
    u, app = uow(), uuid.uuid4()
    async with u:
        await u.save(f"application-{app}", [withdrawn(app)], key=str(app))
        u.ports.seen.ids.add(app)
    assert u.commits == 1
    assert [e.event_type for e in await u.store.load_stream(f"application-{app}")] == ["ApplicationWithdrawn"]
    assert [o.topic for o in u.outbox] == ["out"] and u.ports.seen.ids == {app}


async def test_a_block_that_raises_leaves_no_event_outbox_row_or_port_write():
    u, app = uow(), uuid.uuid4()
    with pytest.raises(KeyError):
        async with u:
            await u.save(f"application-{app}", [withdrawn(app)], key=str(app))
            u.ports.seen.ids.add(app)
            raise KeyError("a bug after the save")
    assert u.commits == 0 and await u.store.load_stream(f"application-{app}") == []
    assert u.outbox == [] and u.ports.seen.ids == set()
    state, version = await u.get(f"application-{app}", lambda s, e: (s or 0) + 1)
    assert (state, version) == (None, 0)


async def test_a_retry_with_the_idempotency_key_gets_the_first_answer_and_records_nothing_twice():
    u, app, calls = uow(), uuid.uuid4(), []

    async def action(unit):
        calls.append(1)
        [env] = await unit.save(f"application-{app}", [withdrawn(app)], key=str(app), expected_version=0)
        return 201, {"event_id": str(env.event_id)}

    first = await run_in(u, "k1", "fingerprint", action)
    again = await run_in(u, "k1", "fingerprint", action)
    assert first == again and first[0] == 201 and len(calls) == 1
    assert len(await u.store.load_stream(f"application-{app}")) == 1
    with pytest.raises(InvalidInput) as reused:
        await run_in(u, "k1", "another request", action)
    assert reused.value.code == "IDEMPOTENCY_KEY_REUSED"


async def test_a_refused_command_keeps_no_key_so_the_corrected_retry_runs():
    u, tries = uow(), []

    async def refuses_once(_unit):
        tries.append(1)
        if len(tries) == 1:
            raise InvalidInput("拒绝", "refused")
        return 200, {"ok": True}

    with pytest.raises(InvalidInput):
        await run_in(u, "k2", "fp", refuses_once)
    assert await run_in(u, "k2", "fp", refuses_once) == (200, {"ok": True})


async def test_a_dead_letter_is_queued_in_the_block_and_dropped_with_it():
    u = uow()
    async with u:
        await u.dead_letter("dlq", "k", {"error": "x"})
    with pytest.raises(RuntimeError):
        async with u:
            await u.dead_letter("dlq", "k", {"error": "y"})
            raise RuntimeError("rolled back")
    assert u.dead_letters == [("dlq", "k", {"error": "x"})]
