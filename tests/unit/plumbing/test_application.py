"""The application layer on the in-memory store: repository, save with causes, reaction table."""
import uuid
from datetime import UTC, datetime

import pytest

from contracts.envelope import SYSTEM_ACTOR, Envelope
from contracts.events import ApplicationWithdrawn, Payload, UnitApproved, UnitRejected
from contracts.registry import UnknownEventVersion
from plumbing.core.application import Append, Context, Recorder, Repository
from plumbing.core.reactions import Reactions
from plumbing.core.causes import Cause, caused_by
from plumbing.core.consumer import is_bad_data
from plumbing.core.memory_store import InMemoryEventStore
from plumbing.core.unit_of_work import InMemoryUnitOfWork

NOW = datetime(2020, 8, 10, tzinfo=UTC)


def count(state: int | None, _event: Payload) -> int:
    return (state or 0) + 1


def recorder(store) -> Recorder:
    return Recorder(store, topic="out", actor=SYSTEM_ACTOR)


def received(payload: Payload, version: int = 1) -> Envelope:
    return Envelope(event_type=type(payload).__name__, schema_version=version, stream_id="in-1", stream_version=1,
                    occurred_at=NOW, recorded_at=NOW, actor=SYSTEM_ACTOR, correlation_id=uuid.uuid4(),
                    payload=payload.model_dump(mode="json"))


async def test_the_repository_folds_a_stream_through_the_services_own_evolve():
    store, app = InMemoryEventStore(), uuid.uuid4()
    await recorder(store).save("s-1", [UnitApproved(application_id=app, opinion="ok")] * 3, key="k")
    assert await Repository(store, count).get("s-1") == (3, 3)
    assert await Repository(store, count).get("s-1", upto=2) == (2, 2)
    assert await Repository(store, count).get("nothing") == (None, 0)


async def test_saving_under_an_http_cause_carries_the_requests_correlation_and_causation():
    store, cause = InMemoryEventStore(), Cause(uuid.uuid4(), uuid.uuid4())
    with caused_by(cause):
        [saved] = await recorder(store).save("s-1", [UnitApproved(application_id=uuid.uuid4(), opinion="")], key="k")
    assert (saved.correlation_id, saved.causation_id) == (cause.correlation_id, cause.causation_id)
    assert [(o.topic, o.key) for o in store.outbox] == [("out", "k")]


async def test_a_reaction_gets_the_decoded_payload_and_what_it_returns_is_saved_with_derived_ids():
    store, seen = InMemoryEventStore(), []

    async def when_withdrawn_reject(e: ApplicationWithdrawn, ctx: Context) -> Append:
        seen.append(e)
        return Append(f"case-{e.application_id}", [UnitRejected(application_id=e.application_id, reason=e.reason)],
                      key=str(e.application_id))

    reactions = Reactions(recorder(store)).add(when_withdrawn_reject)
    withdrawn = received(ApplicationWithdrawn(application_id=uuid.uuid4(), reason="r"))
    assert reactions.wants(withdrawn) and not reactions.wants(received(UnitApproved(application_id=uuid.uuid4(),
                                                                                     opinion="")))
    uow = InMemoryUnitOfWork(recorder(store))
    for _ in range(2):  # redelivered: the same ids, so nothing twice
        async with uow:
            await reactions.react(uow, withdrawn)
    [saved] = await store.load_stream(f"case-{seen[0].application_id}")
    assert isinstance(seen[0], ApplicationWithdrawn)
    assert (saved.correlation_id, saved.causation_id) == (withdrawn.correlation_id, withdrawn.event_id)


async def test_a_version_newer_than_the_reader_knows_is_refused_as_bad_data_before_any_reaction_runs():
    ran = []

    async def react(e: ApplicationWithdrawn, ctx: Context) -> None:
        ran.append(e)

    reactions = Reactions(recorder(InMemoryEventStore())).add(react)
    with pytest.raises(UnknownEventVersion) as refused:
        await reactions.react(InMemoryUnitOfWork(reactions.recorder),
                              received(ApplicationWithdrawn(application_id=uuid.uuid4(), reason="r"), 999))
    assert is_bad_data(refused.value) and ran == []


def test_a_reaction_must_say_which_payloads_it_reacts_to():
    async def untyped(e, ctx):
        return None

    with pytest.raises(TypeError):
        Reactions().add(untyped)


async def test_a_repository_made_before_the_service_starts_reads_the_store_it_gets_later():
    holder: dict = {}
    repo = Recorder(lambda: holder["store"], topic="out", actor=SYSTEM_ACTOR).repository(count)
    holder["store"] = InMemoryEventStore()
    assert await repo.get("s-1") == (None, 0)
