"""The application layer, written once for every service (cosmicpython's service layer, the
`eventsourcing` library's Application.save and ProcessApplication.policy):

- `Repository.get(stream)` loads a stream, decodes each event (upcasting old versions) and folds it
  through the service's own pure `evolve` -> (state, version);
- `Recorder.save(stream, payloads, ...)` appends what a use case or reaction decided, deriving event
  ids, correlation and causation from the cause (the HTTP request's, or the consumed envelope's),
  with one outbox row per event, in the caller's transaction when given one;
- a reaction (run by `plumbing.core.reactions.Reactions`) receives the decoded payload and a
  `Context` (the envelope, the unit of work, the cause) and returns the `Append`s to record.
  Reactions that keep read models or delivery rows write through `ctx.ports`; all of it commits
  with the consumer's inbox row. Use cases and reactions never see a connection.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from contracts.envelope import Actor, Envelope
from contracts.events import Payload
from contracts.registry import decode
from plumbing import clock
from plumbing.core.causes import Cause, current
from plumbing.core.eventstore import NewEvent

S = TypeVar("S")
Evolve = Callable[[Any, Payload], Any]


class Store(Protocol):
    """What the application layer needs of an event store (PostgreSQL, or in memory for tests)."""

    async def append(self, stream_id: str, expected_version: int | None, events: list[NewEvent], *,
                     topic: str | None = None, key: str | None = None, conn=None) -> list[Envelope]: ...

    async def load_stream(self, stream_id: str, conn=None) -> list[Envelope]: ...


class Repository(Generic[S]):
    """`store` may be a function returning the store (see Recorder)."""

    def __init__(self, store: Store | Callable[[], Store], evolve: Callable[[S | None, Payload], S]) -> None:
        self._store, self.evolve = store, evolve

    @property
    def store(self) -> Store:
        return self._store() if callable(self._store) else self._store

    async def get(self, stream_id: str, conn=None, *, upto: int | None = None) -> tuple[S | None, int]:
        """The stream folded into state, and its version (0: no such stream yet). `upto`: stop at
        that version (a projection catching up reads the state as of the event it applies)."""
        state, version = None, 0
        for envelope in await self.store.load_stream(stream_id, conn):
            if upto is not None and envelope.stream_version > upto:
                break
            state, version = self.evolve(state, decode(envelope)), envelope.stream_version
        return state, version

    async def events(self, stream_id: str, conn=None) -> list[tuple[Envelope, Payload]]:
        """Each stored envelope with its decoded payload, for readers that need the metadata too."""
        return [(e, decode(e)) for e in await self.store.load_stream(stream_id, conn)]


@dataclass(frozen=True)
class Append:
    """What a reaction asks to record: payloads on a stream, published under `key`."""

    stream_id: str
    payloads: Sequence[Payload]
    key: str
    expected_version: int | None = None
    actor: Actor | None = None  # None: the service's own actor


class Recorder:
    """Saves decided payloads on a service's streams and its topic. `store` may be a function that
    returns the store, for composition roots that build it only when the service starts."""

    def __init__(self, store: Store | Callable[[], Store], *, topic: str, actor: Actor) -> None:
        self._store, self.topic, self.actor = store, topic, actor

    @property
    def store(self) -> Store:
        return self._store() if callable(self._store) else self._store

    def repository(self, evolve: Callable[[S | None, Payload], S]) -> Repository[S]:
        return Repository(self._store, evolve)

    async def save(self, stream_id: str, payloads: Sequence[Payload], *, key: str, expected_version: int | None = None,
                   actor: Actor | None = None, cause: Cause | Envelope | None = None, conn=None,
                   occurred_at: datetime | None = None, event_ids: Sequence | None = None) -> list[Envelope]:
        """Append `payloads`. The cause defaults to the one bound by the HTTP edge or the consumer."""
        cause = Cause.of(cause) if isinstance(cause, Envelope) else (cause or current())
        when = occurred_at or clock.now()
        events = [NewEvent(p, actor or self.actor, correlation_id=cause.correlation_id, causation_id=cause.causation_id,
                           occurred_at=when, schema_version=type(p).schema_version,
                           event_id=event_ids[i] if event_ids else cause.event_id(stream_id, i))
                  for i, p in enumerate(payloads)]
        return await self.store.append(stream_id, expected_version, events, topic=self.topic, key=key, conn=conn)


def receipt(envelopes: Iterable[Envelope]) -> list[dict]:
    """The answer an HTTP command gives about what it recorded."""
    return [{"event_id": str(e.event_id), "event_type": e.event_type, "stream_version": e.stream_version}
            for e in envelopes]


@dataclass(frozen=True)
class Context:
    envelope: Envelope
    uow: Any  # the unit of work (plumbing.core.unit_of_work): read-model ports, repository, save
    cause: Cause

    @property
    def ports(self) -> Any:
        return self.uow.ports


React = Callable[[Any, Context], Awaitable[Append | Sequence[Append] | None]]
