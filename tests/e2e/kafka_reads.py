"""Reading every record of a topic as raw bytes (no decoding: a scan must see what is stored), and
listing the topics of the current prefix."""
from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from contracts import topics
from plumbing.edges.kafka_security import ADMIN, TOOL_READER, client_kwargs
from tests.conftest import KAFKA


async def raw_records(topic: str, timeout: float = 30, *, headers: bool = False) -> list[tuple]:
    """Every record (key, value[, headers as text]) up to the end offsets at the start; fails rather
    than return part of a topic."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=KAFKA, auto_offset_reset="earliest", enable_auto_commit=False,
                                group_id=None, **client_kwargs(TOOL_READER))
    await consumer.start()
    out = []
    try:
        end = await consumer.end_offsets(list(consumer.assignment()) or await _partitions(consumer, topic))
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=300)).values():
                out += [(r.key, r.value, *([_headers(r.headers)] if headers else [])) for r in records]
            positions = {tp: await consumer.position(tp) for tp in end}
            if all(positions[tp] >= offset for tp, offset in end.items()):
                break
        else:
            raise AssertionError(f"{topic}: not read to its end within {timeout}s")
    finally:
        await consumer.stop()
    return out


def _headers(pairs) -> str:
    return " ".join(f"{k}={(v or b'').decode('utf-8', 'replace')}" for k, v in pairs or ())


async def _partitions(consumer, topic):
    from aiokafka import TopicPartition

    while not consumer.assignment():
        await asyncio.sleep(0.1)
    return [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]


async def topic_names(prefix: str | None = None) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA, **client_kwargs(ADMIN))
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if t.startswith(f"{topics._prefix(prefix)}."))
    finally:
        await admin.close()
