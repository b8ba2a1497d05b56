"""Projections: read models built only from a service's own events, in the global order.

The runner follows `EventStore.read_all` from its checkpoint and applies each batch together with
the new checkpoint in one transaction, so a crash never applies an event twice or skips one.
Dropping a read model = `reset()` + truncating its tables; the next run rebuilds it from history.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from plumbing.core.eventstore import EventStore, Position, Stored
from plumbing.logging import get_logger
from plumbing.loops import nap

log = get_logger(__name__)
Apply = Callable[[asyncpg.Connection, Sequence[Stored]], Awaitable[None]]


class ProjectionRunner:
    def __init__(self, name: str, store: EventStore, apply: Apply, *, batch: int = 500, idle: float = 0.2) -> None:
        self.name, self.store, self.apply, self.batch, self.idle = name, store, apply, batch, idle
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def position(self) -> Position:
        row = await self.store.pool.fetchrow(
            "SELECT tx_id::text::bigint AS tx_id, position FROM checkpoints WHERE name = $1", self.name)
        return Position(row["tx_id"], row["position"]) if row else Position()

    async def reset(self) -> None:
        await self.store.pool.execute("DELETE FROM checkpoints WHERE name = $1", self.name)

    async def catch_up(self) -> int:
        """Apply everything readable now (or until stopped: a rebuild of a long history would hold
        a stop up for minutes); returns how many events were applied."""
        total = 0
        while not self._stop.is_set():
            events = await self.store.read_all(await self.position(), self.batch)
            if not events:
                return total
            async with self.store.pool.acquire() as conn, conn.transaction():
                await self.apply(conn, events)
                last = events[-1].position
                await conn.execute(
                    "INSERT INTO checkpoints (name, tx_id, position) VALUES ($1, $2::text::xid8, $3)"
                    " ON CONFLICT (name) DO UPDATE SET tx_id = EXCLUDED.tx_id, position = EXCLUDED.position",
                    self.name, str(last.tx_id), last.position)
            total += len(events)
        return total

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                applied = await self.catch_up()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:  # e.g. a PostgreSQL restart
                log.warning("projection.failed", projection=self.name, error=repr(exc))
                applied = 0
            if not applied:
                await nap(self._stop, self.idle)
