"""An event store in memory with the PostgreSQL store's contract (the same contract tests pass on
both): optimistic concurrency, idempotent retries, hash chain, one outbox entry per event, and a
global order. For unit tests of use cases and reactions; nothing here survives the process."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from contracts.envelope import Envelope
from contracts.errors import Conflict
from plumbing.core.eventstore import GENESIS_HASH, ConcurrencyConflict, NewEvent, Position, Stored, _conflict, chain_hash


@dataclass(frozen=True)
class OutboxEntry:
    event_id: object
    topic: str
    key: str


class InMemoryEventStore:
    def __init__(self, clock=lambda: datetime.now(UTC)) -> None:
        self._clock = clock
        self._streams: dict[str, list[Stored]] = {}
        self._by_id: dict[object, Stored] = {}
        self._all: list[Stored] = []
        self.outbox: list[OutboxEntry] = []

    async def append(self, stream_id: str, expected_version: int | None, events: list[NewEvent], *,
                     topic: str | None = None, key: str | None = None, conn=None) -> list[Envelope]:
        if not events:
            return []
        known = [self._by_id[e.event_id] for e in events if e.event_id in self._by_id]
        if known:
            if len(known) == len(events) and all(s.envelope.stream_id == stream_id for s in known):
                return [s.envelope for s in known]  # a retry of an append that already happened
            raise Conflict("部分事件已存在，拒绝重复写入", "some of these events already exist; append refused",
                           code="DUPLICATE_EVENT_ID")
        stream = self._streams.get(stream_id, [])
        current = len(stream)
        if expected_version is not None and expected_version != current:
            raise _conflict(stream_id, expected_version, current)
        now = self._clock().astimezone(UTC)
        prev = stream[-1].hash if stream else GENESIS_HASH
        stored = []
        for offset, new in enumerate(events, start=1):
            env = Envelope(event_id=new.event_id, event_type=new.event_type, schema_version=new.schema_version,
                           stream_id=stream_id, stream_version=current + offset,
                           occurred_at=(new.occurred_at or now).astimezone(UTC), recorded_at=now, actor=new.actor,
                           correlation_id=new.correlation_id, causation_id=new.causation_id,
                           payload=new.payload.model_dump(mode="json"))
            digest = chain_hash(prev, env)
            stored.append(Stored(env, Position(1, len(self._all) + offset), prev, digest))
            prev = digest
        self._streams[stream_id] = stream + stored
        self._all.extend(stored)
        for s in stored:
            self._by_id[s.envelope.event_id] = s
            if topic is not None:
                self.outbox.append(OutboxEntry(s.envelope.event_id, topic, key or stream_id))
        return [s.envelope for s in stored]

    async def load_stream(self, stream_id: str, conn=None) -> list[Envelope]:
        return [s.envelope for s in self._streams.get(stream_id, [])]

    async def load_stored(self, stream_id: str, conn=None) -> list[Stored]:
        return list(self._streams.get(stream_id, []))

    async def read_all(self, after: Position = Position(), limit: int = 500) -> list[Stored]:
        return [s for s in self._all if s.position > after][:limit]

    async def verify_stream(self, stream_id: str) -> tuple[bool, int | None]:
        prev = GENESIS_HASH
        for stored in self._streams.get(stream_id, []):
            if stored.prev_hash != prev or chain_hash(prev, stored.envelope) != stored.hash:
                return False, stored.envelope.stream_version
            prev = stored.hash
        return True, None


__all__ = ["InMemoryEventStore", "OutboxEntry", "ConcurrencyConflict"]
