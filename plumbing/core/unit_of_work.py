"""The unit of work: the one seam that owns a use case's transaction (cosmicpython's
`AbstractUnitOfWork`, with the event store's repository in place of an ORM session).

    async with uow:                                    # opened by an edge, never by a use case
        state, version = await uow.get(stream, evolve)  # the repository, bound to the transaction
        await uow.save(stream, decide(state, ...), key=..., expected_version=version)
        await uow.ports.contacts.save(...)             # the service's read-model ports (Protocols)

Only four places open one: the HTTP edge (`plumbing/core/idempotency.py` for commands with an
Idempotency-Key, whose record lives in the same transaction), the consumer (a reaction's unit of
work joins the consumer's transaction with its inbox row), the projection runner and the
periodic-job runner. Use cases and reactions receive it; they never see a connection.

`PostgresUnitOfWork` is the real one; `InMemoryUnitOfWork` (over `InMemoryEventStore` and the
service's in-memory ports) gives every use case and reaction a test without PostgreSQL. Both
commit when the block ends normally and undo everything when it raises.
"""
from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from contracts.envelope import Actor, Envelope
from contracts.events import Payload
from contracts.registry import decode
from plumbing.core.application import Recorder
from plumbing.core.causes import Cause

P = TypeVar("P")
S = TypeVar("S")


class UnitOfWork(Generic[P]):
    """What a use case or a reaction may do inside its transaction. Subclasses say where."""

    recorder: Recorder
    ports: P

    async def __aenter__(self) -> UnitOfWork[P]:
        raise NotImplementedError

    async def __aexit__(self, exc_type, exc, tb) -> None:
        raise NotImplementedError

    @property
    def store(self):
        return self.recorder.store

    def _conn(self):
        return None

    async def get(self, stream_id: str, evolve: Callable[[S | None, Payload], S], *,
                  upto: int | None = None) -> tuple[S | None, int]:
        """The stream folded into state (upcast on the way), and its version (0: no such stream)."""
        return await self.recorder.repository(evolve).get(stream_id, self._conn(), upto=upto)

    async def events(self, stream_id: str) -> list[tuple[Envelope, Payload]]:
        """Each stored envelope of the stream with its decoded (upcast) payload."""
        return [(e, decode(e)) for e in await self.store.load_stream(stream_id, self._conn())]

    async def save(self, stream_id: str, payloads: Sequence[Payload], *, key: str, expected_version: int | None = None,
                   actor: Actor | None = None, cause: Cause | Envelope | None = None,
                   occurred_at: datetime | None = None, event_ids: Sequence | None = None) -> list[Envelope]:
        """Append what was decided, with one outbox row each, in this transaction."""
        return await self.recorder.save(stream_id, payloads, key=key, expected_version=expected_version, actor=actor,
                                        cause=cause, conn=self._conn(), occurred_at=occurred_at, event_ids=event_ids)

    # The idempotency record of an HTTP command (plumbing/core/idempotency.py).
    async def claim_key(self, key: str, fingerprint: str) -> tuple[str, int | None, dict | None] | None:
        """None when the key is new (now held by this transaction); else (fingerprint, status, body)
        of the first request with it."""
        raise NotImplementedError

    async def answer_key(self, key: str, status: int, body: dict) -> None:
        raise NotImplementedError

    async def dead_letter(self, topic: str, key: str, letter: dict) -> None:
        """Queue a description on the dead-letter topic through the outbox, in this transaction."""
        raise NotImplementedError


class PostgresUnitOfWork(UnitOfWork[P]):
    """`ports` builds the service's ports on the transaction's connection. Given `conn` (the
    consumer's transaction, with its inbox row and savepoint), the unit of work joins it: that
    transaction's owner commits or rolls back."""

    def __init__(self, pool, recorder: Recorder, ports: Callable[[Any], P] = lambda _conn: None, *,
                 conn=None, isolation: str | None = None) -> None:
        """`isolation`: the transaction's (e.g. "repeatable_read"), None for the database's default."""
        self.pool, self.recorder, self._ports, self.isolation = pool, recorder, ports, isolation
        self.conn, self._joined = conn, conn is not None
        self._acquired = self._tx = None
        if self._joined:  # usable at once: its owner's transaction is already open
            self.ports = ports(conn)

    def _conn(self):
        return self.conn

    async def __aenter__(self) -> PostgresUnitOfWork[P]:
        if self._joined:
            return self
        self._acquired = self.pool.acquire()
        self.conn = await self._acquired.__aenter__()
        self._tx = self.conn.transaction(isolation=self.isolation)
        try:
            await self._tx.start()
        except BaseException:
            await self._release(None, None, None)
            raise
        self.ports = self._ports(self.conn)
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        if self._joined:
            return
        try:
            if exc_type is None:
                await self._tx.commit()
            else:
                await self._tx.rollback()
        finally:
            await self._release(exc_type, exc, tb)

    async def _release(self, exc_type, exc, tb) -> None:
        if self._acquired is not None:
            acquired, self._acquired = self._acquired, None
            await acquired.__aexit__(exc_type, exc, tb)
            self.conn = None

    async def claim_key(self, key: str, fingerprint: str):
        # A concurrent retry blocks here until the first commits, then reads its answer.
        fresh = await self.conn.fetchval(
            "INSERT INTO idempotency_keys (key, request_sha) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true",
            key, fingerprint)
        if fresh:
            return None
        row = await self.conn.fetchrow("SELECT request_sha, status, body::text AS body FROM idempotency_keys"
                                       " WHERE key = $1", key)
        return row["request_sha"], row["status"], json.loads(row["body"]) if row["body"] else None

    async def answer_key(self, key: str, status: int, body: dict) -> None:
        await self.conn.execute("UPDATE idempotency_keys SET status = $2, body = $3::jsonb WHERE key = $1",
                                key, status, json.dumps(body, ensure_ascii=False, default=str))

    async def dead_letter(self, topic: str, key: str, letter: dict) -> None:
        await self.conn.execute("INSERT INTO outbox (event_id, topic, key, raw) VALUES (NULL, $1, $2, $3::jsonb)",
                                topic, key, json.dumps(letter, ensure_ascii=False, default=str))


class InMemoryUnitOfWork(UnitOfWork[P]):
    """cosmicpython's FakeUnitOfWork: the in-memory store and ports; `commits` counts committed
    blocks, and a block that raises leaves store, ports, keys and dead letters as they were."""

    def __init__(self, recorder: Recorder, ports: P = None) -> None:
        self.recorder, self.ports = recorder, ports
        self.keys: dict[str, tuple[str, int | None, dict | None]] = {}
        self.dead_letters: list[tuple[str, str, dict]] = []
        self.commits = 0
        self._saved = None

    async def __aenter__(self) -> InMemoryUnitOfWork[P]:
        self._saved = copy.deepcopy((self.store.__dict__, self.ports.__dict__ if self.ports is not None else None,
                                     self.keys, self.dead_letters))
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commits += 1
            return
        store, ports, self.keys, self.dead_letters = self._saved
        self.store.__dict__.update(store)
        if ports is not None:
            self.ports.__dict__.update(ports)

    @property
    def outbox(self) -> list:
        return self.store.outbox

    async def claim_key(self, key: str, fingerprint: str):
        if key in self.keys:
            return self.keys[key]
        self.keys[key] = (fingerprint, None, None)
        return None

    async def answer_key(self, key: str, status: int, body: dict) -> None:
        self.keys[key] = (self.keys[key][0], status, json.loads(json.dumps(body, default=str)))

    async def dead_letter(self, topic: str, key: str, letter: dict) -> None:
        self.dead_letters.append((topic, key, letter))
