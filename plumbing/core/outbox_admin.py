"""What an operator (and readiness) needs to know and do about a service's outbox.

Parked rows are rows Kafka refused for good (see plumbing/core/relay.py). Retrying puts one back in the
queue; discarding gives up publishing it (the event stays in the store, the row stays in the
outbox with who discarded it and when) and releases the rows of its key held behind it.
"""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg

_PARKED = """
SELECT o.id, o.topic, o.key, o.parked_at, o.park_error, e.event_type, e.event_id,
       (SELECT count(*) FROM outbox h WHERE h.topic = o.topic AND h.key = o.key AND h.id > o.id
                                        AND h.published_at IS NULL AND h.parked_at IS NULL) AS held
FROM outbox o LEFT JOIN events e ON e.event_id = o.event_id
WHERE o.parked_at IS NOT NULL AND o.discarded_at IS NULL AND o.published_at IS NULL
ORDER BY o.id
"""

_HEALTH = """
SELECT extract(epoch FROM now() - min(created_at) FILTER (WHERE parked_at IS NULL))::float AS oldest_pending_s,
       count(*) FILTER (WHERE parked_at IS NULL) AS pending,
       extract(epoch FROM now() - min(parked_at) FILTER (WHERE parked_at IS NOT NULL))::float AS oldest_parked_s,
       count(*) FILTER (WHERE parked_at IS NOT NULL) AS parked
FROM outbox WHERE published_at IS NULL AND discarded_at IS NULL
"""


@dataclass(frozen=True)
class OutboxHealth:
    pending: int
    oldest_pending_s: float | None
    parked: int
    oldest_parked_s: float | None


async def parked_rows(db: asyncpg.Connection | asyncpg.Pool) -> list[dict]:
    return [dict(r) for r in await db.fetch(_PARKED)]


async def retry(db: asyncpg.Connection | asyncpg.Pool, outbox_id: int) -> bool:
    """Put a parked row back in the queue. False when no such parked row exists."""
    status = await db.execute("UPDATE outbox SET parked_at = NULL, park_error = NULL"
                              " WHERE id = $1 AND parked_at IS NOT NULL AND discarded_at IS NULL AND published_at IS NULL",
                              outbox_id)
    return status.endswith(" 1")


async def discard(db: asyncpg.Connection | asyncpg.Pool, outbox_id: int, by: str) -> bool:
    """Give up publishing a parked row. False when no such parked row exists."""
    status = await db.execute("UPDATE outbox SET discarded_at = now(), discarded_by = $2"
                              " WHERE id = $1 AND parked_at IS NOT NULL AND discarded_at IS NULL AND published_at IS NULL",
                              outbox_id, by)
    return status.endswith(" 1")


async def health(db: asyncpg.Connection | asyncpg.Pool) -> OutboxHealth:
    row = await db.fetchrow(_HEALTH)
    return OutboxHealth(row["pending"], row["oldest_pending_s"], row["parked"], row["oldest_parked_s"])
