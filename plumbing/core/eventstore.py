"""Append-only event store on PostgreSQL (asyncpg).

Guarantees, and where they come from:
- optimistic concurrency: PRIMARY KEY (stream_id, stream_version); a losing append raises
  `ConcurrencyConflict` (HTTP 409) and writes nothing;
- idempotent appends: UNIQUE event_id; re-appending events already stored is a no-op;
- atomic publishing: outbox rows are inserted in the same transaction as the events;
- gap-free global order: see `read_all` (transaction-id cut-off, no table lock);
- tamper evidence: each row stores SHA-256(prev_hash || canonical envelope), chained per stream, and
  (with a `Witness`) queues its link for the audit topic in the same statement (plumbing/core/witness.py).
"""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg

from contracts.envelope import Actor, Envelope
from contracts.errors import Conflict, TooLarge
from contracts.limits import EVENT_MAX_BYTES
from contracts.events import Payload
from plumbing.tracing import current_traceparent

GENESIS_HASH = "0" * 64


class ConcurrencyConflict(Conflict):
    code = "CONCURRENT_CHANGE"


class EventTooLarge(TooLarge):
    code = "EVENT_TOO_LARGE"


def _refuse_if_too_large(stream_id: str, event_type: str, payload_json: str) -> None:
    """An event that Kafka could not carry must never be stored: it would wait in the outbox for
    ever. Refused as bad input before the append, so nothing is written."""
    size = len(payload_json.encode())
    if size > EVENT_MAX_BYTES:
        raise EventTooLarge(f"内容过大（{size}字节，上限{EVENT_MAX_BYTES}字节），请精简后重新提交",
                            f"the {event_type} event would be {size} bytes, more than the {EVENT_MAX_BYTES} allowed",
                            details={"stream_id": stream_id, "event_type": event_type, "bytes": size,
                                     "limit": EVENT_MAX_BYTES})


@dataclass(frozen=True)
class NewEvent:
    """An event a service decided on; the store gives it its version, time and hash."""

    payload: Payload
    actor: Actor
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None = None
    occurred_at: datetime | None = None
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)
    schema_version: int = 1

    @property
    def event_type(self) -> str:
        return type(self.payload).__name__


@dataclass(frozen=True, order=True)
class Position:
    """A place in the global order: (writing transaction id, position)."""

    tx_id: int = 0
    position: int = 0


@dataclass(frozen=True)
class Stored:
    envelope: Envelope
    position: Position
    prev_hash: str
    hash: str


def chain_hash(prev_hash: str, envelope: Envelope) -> str:
    return hashlib.sha256((prev_hash + envelope.canonical_json()).encode()).hexdigest()


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _row_to_stored(row: asyncpg.Record) -> Stored:
    envelope = Envelope(
        event_id=row["event_id"], event_type=row["event_type"], schema_version=row["schema_version"],
        stream_id=row["stream_id"], stream_version=row["stream_version"],
        occurred_at=_utc(row["occurred_at"]), recorded_at=_utc(row["recorded_at"]),
        actor=Actor.model_validate_json(row["actor"]), correlation_id=row["correlation_id"],
        causation_id=row["causation_id"], payload=json.loads(row["payload"]),
    )
    return Stored(envelope, Position(int(row["tx_id"]), row["position"]), row["prev_hash"], row["hash"])


_INSERT = """
WITH appended AS (
    INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version, occurred_at, recorded_at,
                        actor, correlation_id, causation_id, payload, prev_hash, hash)
    SELECT e.event_id, e.stream_id, e.stream_version, e.event_type, e.schema_version, e.occurred_at, e.recorded_at,
           e.actor::jsonb, e.correlation_id, e.causation_id, e.payload::jsonb, e.prev_hash, e.hash
    FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::timestamptz[], $7::timestamptz[],
                $8::text[], $9::uuid[], $10::uuid[], $11::text[], $12::text[], $13::text[])
         AS e(event_id, stream_id, stream_version, event_type, schema_version, occurred_at, recorded_at, actor,
              correlation_id, causation_id, payload, prev_hash, hash)
    RETURNING event_id, stream_id, stream_version, hash, tx_id::text::bigint AS tx_id, position
), published AS (
    INSERT INTO outbox (event_id, topic, key, traceparent)
    SELECT event_id, $14::text, $15::text, $18::text FROM appended WHERE $14::text IS NOT NULL ORDER BY stream_version
)
-- The witness (plumbing/core/witness.py `link`): (stream, version, hash, position) to the audit topic.
INSERT INTO outbox (event_id, topic, key, raw)
SELECT event_id, $16::text, stream_id,
       jsonb_build_object('record', 'AuditLink', 'service', $17::text, 'stream_id', stream_id,
                          'stream_version', stream_version, 'hash', hash, 'tx_id', tx_id, 'position', position)
FROM appended WHERE $16::text IS NOT NULL ORDER BY stream_version
"""

_COLUMNS = ("position, tx_id::text::bigint AS tx_id, event_id, stream_id, stream_version, event_type, "
            "schema_version, occurred_at, recorded_at, actor::text AS actor, correlation_id, causation_id, "
            "payload::text AS payload, prev_hash, hash")


@dataclass(frozen=True)
class Witness:
    """Where each append's link goes: the service's name and the audit topic."""

    service: str
    topic: str


class EventStore:
    def __init__(self, pool: asyncpg.Pool, clock=lambda: datetime.now(UTC), *, witness: Witness | None = None) -> None:
        self.pool = pool
        self._clock = clock
        self.witness = witness  # every service's runtime sets it; a bare store (unit of a test) has none

    async def append(self, stream_id: str, expected_version: int | None, events: list[NewEvent], *,
                     topic: str | None = None, key: str | None = None,
                     conn: asyncpg.Connection | None = None) -> list[Envelope]:
        """Append `events` after `expected_version` (None: after whatever is there; 0: new stream).

        With `topic`, each event also gets an outbox row (key defaults to the stream id).
        Pass `conn` to join the caller's transaction (a consumer's inbox, an idempotency key).
        """
        if not events:
            return []
        try:
            if conn is None:
                # No explicit transaction: the events and their outbox rows are ONE statement (atomic
                # on its own), and a concurrent append of the same version fails on the primary key.
                # Two round trips instead of four (BEGIN and COMMIT) roughly doubles append throughput.
                async with self.pool.acquire() as own:
                    return await self._append(own, stream_id, expected_version, events, topic, key)
            async with conn.transaction():  # a savepoint when the caller already opened one
                return await self._append(conn, stream_id, expected_version, events, topic, key)
        except (ConcurrencyConflict, asyncpg.UniqueViolationError) as failure:
            # A retry of an append that already committed is a no-op, not a conflict.
            stored = await self._already_stored(conn or self.pool, stream_id, events)
            if stored is not None:
                return stored
            if isinstance(failure, ConcurrencyConflict):
                raise
            raise _conflict(stream_id, expected_version, None) from None

    async def _already_stored(self, db, stream_id: str, events: list[NewEvent]) -> list[Envelope] | None:
        ids = [e.event_id for e in events]
        rows = await db.fetch(f"SELECT {_COLUMNS} FROM events WHERE event_id = ANY($1::uuid[])", ids)
        if not rows:
            return None
        if len(rows) == len(ids) and all(r["stream_id"] == stream_id for r in rows):
            return [_row_to_stored(r).envelope for r in sorted(rows, key=lambda r: r["stream_version"])]
        raise Conflict("部分事件已存在，拒绝重复写入", "some of these events already exist; append refused",
                       code="DUPLICATE_EVENT_ID")

    async def _append(self, conn, stream_id, expected_version, events, topic, key) -> list[Envelope]:
        last = await conn.fetchrow(
            "SELECT stream_version, hash FROM events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1",
            stream_id)
        current, prev_hash = (last["stream_version"], last["hash"]) if last else (0, GENESIS_HASH)
        if expected_version is not None and expected_version != current:
            raise _conflict(stream_id, expected_version, current)
        now = _utc(self._clock())
        columns = [[] for _ in range(13)]
        envelopes = []
        for offset, new in enumerate(events, start=1):
            env = Envelope(
                event_id=new.event_id, event_type=new.event_type, schema_version=new.schema_version,
                stream_id=stream_id, stream_version=current + offset,
                occurred_at=_utc(new.occurred_at or now), recorded_at=now, actor=new.actor,
                correlation_id=new.correlation_id, causation_id=new.causation_id,
                payload=new.payload.model_dump(mode="json"),
            )
            payload_json = json.dumps(env.payload, ensure_ascii=False)
            _refuse_if_too_large(stream_id, env.event_type, payload_json)
            digest = chain_hash(prev_hash, env)
            row = (env.event_id, stream_id, env.stream_version, env.event_type, env.schema_version,
                   env.occurred_at, env.recorded_at, env.actor.model_dump_json(), env.correlation_id,
                   env.causation_id, payload_json, prev_hash, digest)
            for column, value in zip(columns, row):
                column.append(value)
            envelopes.append(env)
            prev_hash = digest
        # One round trip for the events and their outbox rows (the outbox trigger wakes the relay).
        witness = self.witness
        # The span appending them (plumbing/tracing.py), for the relay's producer span to continue.
        await conn.execute(_INSERT, *columns, topic, key or stream_id, witness and witness.topic,
                           witness and witness.service, current_traceparent(events[0].correlation_id))
        return envelopes

    async def load_stream(self, stream_id: str, conn: asyncpg.Connection | None = None) -> list[Envelope]:
        return [s.envelope for s in await self.load_stored(stream_id, conn)]

    async def load_stored(self, stream_id: str, conn: asyncpg.Connection | None = None) -> list[Stored]:
        query = f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version"
        rows = await (conn.fetch(query, stream_id) if conn else self.pool.fetch(query, stream_id))
        return [_row_to_stored(r) for r in rows]

    async def read_all(self, after: Position = Position(), limit: int = 500) -> list[Stored]:
        """Events after `after` in global order, never past a transaction still in flight.

        Order is (tx_id, position). Only transactions older than the oldest one still running
        (pg_snapshot_xmin) are returned, so an event whose transaction commits late is never
        behind the reader when it appears; writers take no lock for this.
        """
        rows = await self.pool.fetch(
            f"SELECT {_COLUMNS} FROM events"
            " WHERE (tx_id, position) > ($1::text::xid8, $2)"
            "   AND tx_id < pg_snapshot_xmin(pg_current_snapshot())"
            " ORDER BY events.tx_id, events.position LIMIT $3",  # the columns, not the bigint aliases: the index
            str(after.tx_id), after.position, limit)
        return [_row_to_stored(r) for r in rows]

    async def verify_stream(self, stream_id: str) -> tuple[bool, int | None]:
        """Recompute the hash chain. Returns (intact, first bad version or None)."""
        prev = GENESIS_HASH
        for stored in await self.load_stored(stream_id):
            if stored.prev_hash != prev or chain_hash(prev, stored.envelope) != stored.hash:
                return False, stored.envelope.stream_version
            prev = stored.hash
        return True, None


async def all_stored(db, stream_id: str | None = None) -> list[Stored]:
    """Every event (or one stream's) as stored, in the global order: what an auditor checks."""
    where = "WHERE stream_id = $1" if stream_id else ""
    rows = await db.fetch(f"SELECT {_COLUMNS} FROM events {where} ORDER BY events.tx_id, events.position",
                          *([stream_id] if stream_id else []))
    return [_row_to_stored(r) for r in rows]


def _conflict(stream_id: str, expected: int | None, actual: int | None) -> ConcurrencyConflict:
    return ConcurrencyConflict(
        f"该申报已被他人更新（流 {stream_id}，预期版本 {expected}，实际 {actual}），请刷新后重试",
        f"stream {stream_id} changed meanwhile (expected version {expected}, found {actual}); reload and retry",
        details={"stream_id": stream_id, "expected_version": expected, "actual_version": actual})
