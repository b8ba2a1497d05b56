"""Check a service's log against what it witnessed on the audit topic (plumbing/core/witness.py).

`verify` is pure: the topic's records, the database's events, the service's public key in; the
broken links out, first one first. Four witnesses, each catching what the others cannot:
1. the signatures and the chain of checkpoints (a checkpoint removed, forged or re-signed);
2. each stream's hash chain in the database (a row edited without recomputing the hashes);
3. every link on the topic against the row of that (stream, version): a row deleted, rewritten
   (even with every hash recomputed), moved in the global order; and every row against its link
   (a row inserted);
4. every checkpoint's root, event and stream counts, recomputed from the database at its cut-off
   (history changed below a checkpoint, the tail deleted, a stream rewritten then re-signed).
"""
from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from plumbing.core import witness
from plumbing.core.eventstore import GENESIS_HASH, Stored, chain_hash


@dataclass(frozen=True, order=True)
class Finding:
    stream_id: str       # "" for a finding about the checkpoints themselves
    version: int
    what: str            # a stable code: checkpoint-signature, checkpoint-chain, chain, deleted, ...
    detail: str


def _checkpoints(service: str, records: list[dict], key: Ed25519PublicKey | None) -> tuple[list[dict], list[Finding]]:
    """The service's checkpoints in chain order, each checked: signature, its hash, the chain."""
    found, by_seq = [], {}
    for record in records:
        if record.get("record") != witness.CHECKPOINT or record.get("service") != service:
            continue
        seq = record.get("seq")
        if seq in by_seq:  # the relay publishes at least once: a repeat is the same record
            if by_seq[seq]["hash"] != record.get("hash"):
                found.append(Finding("", seq, "checkpoint-fork", f"two different checkpoints #{seq} were published"))
            continue
        by_seq[seq] = record
    chain, prev = [], witness.GENESIS
    for n, seq in enumerate(sorted(by_seq), start=1):
        record = by_seq[seq]
        try:
            body = witness.checkpoint_of(record)
        except (KeyError, TypeError):
            found.append(Finding("", seq, "checkpoint-malformed", f"checkpoint #{seq} is not a checkpoint"))
            continue
        if key is None or not witness.signature_valid(record, key):
            found.append(Finding("", seq, "checkpoint-signature",
                                 f"checkpoint #{seq}'s signature does not verify with {service}'s public key"))
        if body.hash != record.get("hash"):
            found.append(Finding("", seq, "checkpoint-hash", f"checkpoint #{seq}'s hash is not its body's"))
        if seq != n or body.prev != prev:
            found.append(Finding("", seq, "checkpoint-chain",
                                 f"checkpoint #{seq} does not follow #{n - 1} (missing, or a chain started again)"))
        prev = body.hash
        chain.append(record)
    return chain, found


def _chains(events: list[Stored]) -> list[Finding]:
    """Each stream's hash chain in the database, from its first version."""
    found, streams = [], defaultdict(list)
    for stored in events:
        streams[stored.envelope.stream_id].append(stored)
    for stream_id, rows in streams.items():
        prev = GENESIS_HASH
        for expected, stored in enumerate(sorted(rows, key=lambda s: s.envelope.stream_version), start=1):
            version = stored.envelope.stream_version
            if version != expected or stored.prev_hash != prev or chain_hash(prev, stored.envelope) != stored.hash:
                found.append(Finding(stream_id, version, "chain", "the hash chain in the database breaks here"))
                break
            prev = stored.hash
    return found


def _links(service: str, records: list[dict], events: list[Stored], stream: str | None,
           pending: set[tuple[str, int]]) -> list[Finding]:
    found, links = [], {}
    for record in records:
        if record.get("record") != witness.LINK or record.get("service") != service:
            continue
        if stream and record.get("stream_id") != stream:
            continue
        place = (record["stream_id"], record["stream_version"])
        if place in links and links[place]["hash"] != record["hash"]:
            found.append(Finding(*place, "witness-conflict", "two different hashes were witnessed for this version"))
            continue
        links.setdefault(place, record)
    rows = {(s.envelope.stream_id, s.envelope.stream_version): s for s in events}
    for place, record in links.items():
        row = rows.get(place)
        if row is None:
            found.append(Finding(*place, "deleted", f"witnessed on the audit topic (hash {record['hash'][:12]}…), "
                                                    "missing from the database"))
        elif row.hash != record["hash"]:
            found.append(Finding(*place, "rewritten", f"the database's hash {row.hash[:12]}… is not the one "
                                                      f"witnessed ({record['hash'][:12]}…)"))
        elif (row.position.tx_id, row.position.position) != (record["tx_id"], record["position"]):
            found.append(Finding(*place, "moved", "its place in the global order is not the one witnessed"))
    for place in rows.keys() - links.keys():
        if place not in pending:
            found.append(Finding(*place, "unwitnessed", "in the database but never witnessed on the audit topic "
                                                        "(inserted?)"))
    return found


def _roots(checkpoints: list[dict], events: list[Stored]) -> list[Finding]:
    """Recompute every checkpoint from the database at its cut-off, in one pass over the global order."""
    found, heads, count = [], {}, 0
    ordered = sorted(events, key=lambda s: (s.position.tx_id, s.position.position))
    i = 0
    for record in sorted(checkpoints, key=lambda r: (r["tx_id"], r["position"])):
        cut = (record["tx_id"], record["position"])
        while i < len(ordered) and (ordered[i].position.tx_id, ordered[i].position.position) <= cut:
            env = ordered[i].envelope
            if env.stream_version >= heads.get(env.stream_id, (0, ""))[0]:
                heads[env.stream_id] = (env.stream_version, ordered[i].hash)
            count += 1
            i += 1
        root = witness.merkle_root([(s, v, h) for s, (v, h) in heads.items()])
        if (root, count, len(heads)) != (record["root"], record["events"], record["streams"]):
            found.append(Finding("", record["seq"], "checkpoint-mismatch",
                                 f"checkpoint #{record['seq']} (signed {record['signed_at']}) does not match the "
                                 f"database: {count} events in {len(heads)} streams (signed: {record['events']} in "
                                 f"{record['streams']}), root {'equal' if root == record['root'] else 'different'}"))
    return found


def verify(service: str, records: list[dict], events: list[Stored], key: Ed25519PublicKey | None, *,
           stream: str | None = None, pending: set[tuple[str, int]] = frozenset()) -> tuple[list[Finding], dict]:
    """The broken links of `service`'s log, first one first, and what was checked. With `stream`,
    only that stream's rows and links (the checkpoints cover whole logs, so they are checked only
    for their signatures and chain)."""
    checkpoints, found = _checkpoints(service, records, key)
    found += _chains(events)
    found += _links(service, records, events, stream, pending)
    if stream is None:
        found += _roots(checkpoints, events)
    summary = {"service": service, "events": len(events), "checkpoints": len(checkpoints),
               "links": sum(1 for r in records if r.get("record") == witness.LINK and r.get("service") == service),
               "pending": len(pending)}
    # The first broken link first: a stream's lowest broken version, then what the checkpoints say.
    return sorted(found, key=lambda f: (f.stream_id == "", f.stream_id, f.version, f.what)), summary


async def read_audit_topic(bootstrap: str, topic: str, client: dict, timeout: float = 30) -> list[dict]:
    """Every record of the (one-partition) audit topic, from offset 0 to its end now."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                                auto_offset_reset="earliest", **client)  # never "latest" in a race with the seek
    await consumer.start()
    try:
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        await consumer.seek_to_beginning(partition)
        end = (await consumer.end_offsets([partition]))[partition]
        out: list[dict] = []
        deadline = asyncio.get_running_loop().time() + timeout
        while await consumer.position(partition) < end:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"the audit topic was not read to its end within {timeout}s")
            for records in (await consumer.getmany(partition, timeout_ms=500)).values():
                out += [json.loads(r.value) for r in records]
        return out
    finally:
        await consumer.stop()


async def pending_links(conn, since) -> set[tuple[str, int]]:
    """Links not witnessed when the auditor started reading the topic (`since`, the database's own
    clock): still queued, or published after. Not a break, only not witnessed yet. A row parked or
    discarded by hand is not pending: it will never be witnessed."""
    rows = await conn.fetch("SELECT raw->>'stream_id' AS s, (raw->>'stream_version')::int AS v FROM outbox"
                            " WHERE (published_at IS NULL OR published_at >= $1) AND parked_at IS NULL"
                            " AND discarded_at IS NULL AND raw->>'record' = 'AuditLink'", since)
    return {(r["s"], r["v"]) for r in rows}


async def database_clock(conn):
    return await conn.fetchval("SELECT clock_timestamp()")


async def verify_database(conn, service: str, records: list[dict], key: Ed25519PublicKey | None,
                          stream: str | None = None, *, since) -> tuple[list[Finding], dict]:
    """`records` must have been read from the topic after `since` (`database_clock` of this database):
    an event whose link was published meanwhile is then either in `records` or pending."""
    from plumbing.core.eventstore import all_stored

    async with conn.transaction(isolation="repeatable_read"):  # events and pending links of one moment
        events = await all_stored(conn, stream)
        pending = await pending_links(conn, since)
    return verify(service, records, events, key, stream=stream, pending=pending)
