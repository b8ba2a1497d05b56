"""Each service signs a checkpoint of its log now and then, chained to the previous one, and
publishes it to the audit topic through its outbox (what it says: plumbing/core/witness.py).

The cut-off is the store's gap-free one (`read_all`'s): every event of a transaction older than
the oldest still running, so a checkpoint never covers a prefix that a late commit could still
change. It reads every stream's head and the count under that cut in one snapshot, so its
transaction is REPEATABLE READ: `checkpoint_job` is the periodic job (plumbing/core/periodic.py runs
it in that isolation, one instance under the service's advisory lock, and refuses any other);
`sign_checkpoint` opens such a transaction itself (the tests, a one-off).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plumbing.core import witness
from plumbing.logging import get_logger

log = get_logger(__name__)
CHECKPOINT_LOCK = 727300

_CUT = ("SELECT tx_id::text::bigint AS tx_id, position FROM events"
        " WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())"
        " ORDER BY events.tx_id DESC, events.position DESC LIMIT 1")
_HEADS = ("SELECT DISTINCT ON (stream_id) stream_id, stream_version, hash FROM events"
          " WHERE (tx_id, position) <= ($1::text::xid8, $2) ORDER BY stream_id, stream_version DESC")
_COUNT = "SELECT count(*) FROM events WHERE (tx_id, position) <= ($1::text::xid8, $2)"


ISOLATION = "repeatable_read"  # one snapshot for the cut, the heads and the count


async def sign_checkpoint(pool: asyncpg.Pool, service: str, key: Ed25519PrivateKey, topic: str,
                          now: datetime | None = None) -> dict | None:
    """Sign and queue the next checkpoint in a transaction of its own; None when nothing was
    appended below the cut-off since the last one (or another signer of this database just did it)."""
    async with pool.acquire() as conn, conn.transaction(isolation=ISOLATION):
        return await _sign(conn, service, key, topic, now)


def checkpoint_job(service: str, key: Ed25519PrivateKey, topic: str) -> Callable:
    """The periodic job (`PeriodicJob(..., isolation=ISOLATION)`): signs in the unit of work the
    runner opens. A unit of work in any other isolation is refused (its reads could straddle commits)."""
    async def run(uow: Callable) -> dict | None:
        async with uow() as u:
            if await u.conn.fetchval("SHOW transaction_isolation") != ISOLATION.replace("_", " "):
                raise RuntimeError("a checkpoint must be signed in a REPEATABLE READ transaction")
            return await _sign(u.conn, service, key, topic, None)
    return run


async def _sign(conn, service: str, key: Ed25519PrivateKey, topic: str, now: datetime | None) -> dict | None:
    if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", CHECKPOINT_LOCK):
        return None
    last = await conn.fetchrow("SELECT seq, hash, record::text AS record FROM audit_checkpoints"
                               " ORDER BY seq DESC LIMIT 1")
    cut = await conn.fetchrow(_CUT)
    if cut is None:
        return None
    previous = json.loads(last["record"]) if last else None
    if previous and (previous["tx_id"], previous["position"]) == (cut["tx_id"], cut["position"]):
        return None
    heads = [(r["stream_id"], r["stream_version"], r["hash"])
             for r in await conn.fetch(_HEADS, str(cut["tx_id"]), cut["position"])]
    count = await conn.fetchval(_COUNT, str(cut["tx_id"]), cut["position"])
    checkpoint = witness.Checkpoint(
        service=service, seq=(last["seq"] + 1) if last else 1, tx_id=cut["tx_id"], position=cut["position"],
        events=count, streams=len(heads), root=witness.merkle_root(heads),
        prev=last["hash"] if last else witness.GENESIS,
        signed_at=(now or datetime.now(UTC)).isoformat(), key_id=witness.key_id(witness.public_b64(key)))
    record = witness.sign(checkpoint, key)
    await conn.execute("INSERT INTO audit_checkpoints (seq, hash, record) VALUES ($1, $2, $3::jsonb)",
                       checkpoint.seq, checkpoint.hash, json.dumps(record))
    await conn.execute("INSERT INTO outbox (event_id, topic, key, raw) VALUES (NULL, $1, $2, $3::jsonb)",
                       topic, service, json.dumps(record))
    log.info("audit.checkpoint_signed", seq=checkpoint.seq, events=count, streams=len(heads))
    return record
