"""What an operator needs about a service's parked records (plumbing/core/consumer.py): the list,
one record whole, and asking for a re-drive after a fix.

A re-drive is asked for here and done by the service itself (its consumer has the handlers; a tool
has none): the records of the asked-for record's key, parked behind it or ahead of it, are marked
`redrive`, the service applies them in order through the same consumer, and each ends `redriven`
(applied, or found already applied: nothing changes twice), `dead_letter` (the domain refused it
now) or `parked` again with its new error.
"""
from __future__ import annotations

import asyncio

import asyncpg

_LIST = """
SELECT id, consumer, topic, kafka_partition, kafka_offset, event_id, event_type, error, behind, status, attempts,
       parked_at, redriven_at, outcome, convert_from(coalesce(key, ''), 'UTF8') AS key
FROM parked_records WHERE ($1 OR status IN ('parked', 'redrive')) ORDER BY id
"""


async def parked(db: asyncpg.Connection | asyncpg.Pool, *, everything: bool = False) -> list[dict]:
    """Unresolved parked records (all of them, re-driven ones too, with `everything`)."""
    return [dict(r) for r in await db.fetch(_LIST, everything)]


async def one(db: asyncpg.Connection | asyncpg.Pool, parked_id: int) -> dict | None:
    row = await db.fetchrow("SELECT * FROM parked_records WHERE id = $1", parked_id)
    return dict(row) if row else None


async def ask_redrive(db: asyncpg.Connection | asyncpg.Pool, parked_id: int | None = None) -> list[int]:
    """Mark for re-drive the unresolved records of `parked_id`'s key (of every key: None); returns
    their ids. An id that is not parked (unknown, or already re-driven) marks nothing."""
    if parked_id is None:
        rows = await db.fetch("UPDATE parked_records SET status = 'redrive' WHERE status = 'parked' RETURNING id")
    else:
        rows = await db.fetch(
            "UPDATE parked_records p SET status = 'redrive' FROM parked_records h"
            " WHERE h.id = $1 AND h.status IN ('parked', 'redrive') AND p.status = 'parked'"
            " AND p.consumer = h.consumer AND (p.id = h.id OR p.key = h.key) RETURNING p.id", parked_id)
        if not rows and await db.fetchval("SELECT status = 'redrive' FROM parked_records WHERE id = $1", parked_id):
            return [parked_id]  # asked for already, still waiting for the service
    return sorted(r["id"] for r in rows)


async def outcomes(db: asyncpg.Connection | asyncpg.Pool, ids: list[int], *, timeout: float = 60.0,
                   every: float = 0.5) -> list[dict]:
    """Wait until the service re-drove `ids` (or the timeout) and say how each ended."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        rows = [dict(r) for r in await db.fetch(
            "SELECT id, status, outcome, error FROM parked_records WHERE id = ANY($1::bigint[]) ORDER BY id", ids)]
        if all(r["status"] != "redrive" for r in rows) or asyncio.get_running_loop().time() >= deadline:
            return rows
        await asyncio.sleep(every)
