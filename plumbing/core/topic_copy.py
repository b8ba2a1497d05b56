"""Copy a topic, from offset 0, into a scratch database: for auditors who start from the topics.

Each record becomes one row keyed by (topic, partition, offset), so running it again adds only what
is new. Chunked transactions (`chunk` records each). Envelopes (the event topics) also get their
event columns; other records (the audit topic's links, checkpoints and reads) keep their JSON.
"""
from __future__ import annotations

import json
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

SCHEMA = """
CREATE TABLE IF NOT EXISTS replayed (
    topic           text NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset    bigint NOT NULL,
    key             text,
    record          jsonb,             -- the record's JSON (NULL: a tombstone)
    event_id        uuid,
    event_type      text,
    stream_id       text,
    stream_version  integer,
    occurred_at     timestamptz,
    recorded_at     timestamptz,
    PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
CREATE INDEX IF NOT EXISTS replayed_stream ON replayed (stream_id, stream_version);
"""
_INSERT = """
INSERT INTO replayed (topic, kafka_partition, kafka_offset, key, record, event_id, event_type, stream_id,
                      stream_version, occurred_at, recorded_at)
SELECT r.topic, r.p, r.o, r.k, r.v::jsonb, (r.v::jsonb->>'event_id')::uuid, r.v::jsonb->>'event_type',
       r.v::jsonb->>'stream_id', (r.v::jsonb->>'stream_version')::int, (r.v::jsonb->>'occurred_at')::timestamptz,
       (r.v::jsonb->>'recorded_at')::timestamptz
FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::text[]) AS r(topic, p, o, k, v)
ON CONFLICT DO NOTHING
"""


async def copy_topic(conn, topic: str, bootstrap: str, client: dict, *, from_beginning: bool, chunk: int = 500,
                     progress: Callable[[int, int], None] | None = None) -> int:
    """Copy `topic` up to its end now into `replayed` on `conn`; returns the records newly copied."""
    await conn.execute(SCHEMA)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **client)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = [TopicPartition(topic, p["partition"]) for p in described[0]["partitions"]]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                                auto_offset_reset="earliest", **client)  # never "latest" in a race with the seek
    await consumer.start()
    copied = 0
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        total = sum(ends.values())
        for tp in partitions:
            stored = None if from_beginning else await conn.fetchval(
                "SELECT max(kafka_offset) FROM replayed WHERE topic = $1 AND kafka_partition = $2", topic, tp.partition)
            if stored is None:
                await consumer.seek_to_beginning(tp)
            else:
                consumer.seek(tp, stored + 1)
        waiting = [tp for tp in partitions if await consumer.position(tp) < ends[tp]]
        while waiting:
            rows = []
            for records in (await consumer.getmany(*waiting, timeout_ms=1000, max_records=chunk)).values():
                rows += [r for r in records if r.offset < ends[TopicPartition(r.topic, r.partition)]]
            if rows:
                async with conn.transaction():  # one chunk
                    status = await conn.execute(_INSERT, [r.topic for r in rows], [r.partition for r in rows],
                                       [r.offset for r in rows], [r.key.decode(errors="replace") if r.key else None
                                                                  for r in rows],
                                       [_json(r.value) for r in rows])
                copied += int(status.split()[-1])  # new rows only: a record copied before is kept as it was
                if progress:
                    progress(copied, total)
            waiting = [tp for tp in waiting if await consumer.position(tp) < ends[tp]]
    finally:
        await consumer.stop()
    return copied


def _json(value: bytes | None) -> str | None:
    if value is None:
        return None
    try:
        return json.dumps(json.loads(value))
    except ValueError:  # a poison record: kept, described
        return json.dumps({"undecodable": value[:512].decode(errors="replace")})
