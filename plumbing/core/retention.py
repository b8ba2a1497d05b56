"""What may be forgotten, and when: published outbox rows after ZC_RETENTION_OUTBOX_DAYS (7) and
Idempotency-Keys after ZC_RETENTION_IDEMPOTENCY_HOURS (24). Nothing else.

- An outbox row that is unpublished, parked or discarded is an operator's business (`zc outbox`),
  and a dead letter (a row without an event) is counted by `zc_dead_letters`: none is pruned.
- Inbox rows are never pruned: the topics keep every record for ever, and the inbox is what makes
  a replay from offset 0 change nothing (tests/integration/plumbing/test_retention.py replays after
  pruning).
- A retry with an Idempotency-Key older than its retention is a new request: the clients' retries
  are seconds to minutes apart, and the store's expected versions still refuse a duplicate decision.

Rows go in bounded batches (no long lock on a busy table). `prune` is a job of each service's
periodic-job runner (plumbing/core/periodic.py), every ZC_RETENTION_INTERVAL_SECONDS (3600).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import asyncpg

from plumbing.logging import get_logger
from plumbing.settings import ProcessSettings

log = get_logger(__name__)
BATCH = 5000


@dataclass(frozen=True)
class RetentionPolicy:
    outbox: timedelta = timedelta(days=7)
    idempotency: timedelta = timedelta(hours=24)

    @classmethod
    def from_env(cls, given: ProcessSettings | None = None) -> RetentionPolicy:
        given = given or ProcessSettings.current()
        return cls(outbox=timedelta(days=given.retention_outbox_days),
                   idempotency=timedelta(hours=given.retention_idempotency_hours))


async def _in_batches(pool: asyncpg.Pool, sql: str, older_than: timedelta) -> int:
    total = 0
    while True:
        deleted = int((await pool.execute(sql, older_than, BATCH)).split()[-1])
        total += deleted
        if deleted < BATCH:
            return total


async def prune(pool: asyncpg.Pool, policy: RetentionPolicy) -> dict[str, int]:
    outbox = await _in_batches(pool, "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE event_id IS NOT NULL"
                                     " AND published_at < now() - $1::interval ORDER BY id LIMIT $2)", policy.outbox)
    keys = await _in_batches(pool, "DELETE FROM idempotency_keys WHERE key IN (SELECT key FROM idempotency_keys"
                                   " WHERE created_at < now() - $1::interval LIMIT $2)", policy.idempotency)
    if outbox or keys:
        log.info("retention.pruned", outbox_rows=outbox, idempotency_keys=keys)
    return {"outbox": outbox, "idempotency_keys": keys}

