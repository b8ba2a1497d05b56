"""Helpers for integration tests: databases and topics of this test session, a Kafka reader."""
from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg
from aiokafka import AIOKafkaConsumer

from tests.conftest import DATABASE_URL, KAFKA, SESSION
from plumbing.edges.kafka_security import ADMIN, TOOL_READER, client_kwargs
from plumbing.provision import database_from_template
from plumbing.settings import with_database


def db_name(label: str) -> str:
    return f"zct_{SESSION}_{label}_{uuid.uuid4().hex[:4]}"


async def migrated_pool(kind: str, *, max_size: int = 10) -> tuple[str, asyncpg.Pool]:
    """A database of this session copied from `kind`'s migrated template (plumbing/provision.py: no
    migration per test), and a pool on it as the administrator (tests may tamper with what a
    service's login may not touch)."""
    name = await database_from_template(kind, db_name(kind))
    return name, await asyncpg.create_pool(with_database(DATABASE_URL, name), min_size=1, max_size=max_size)


async def drop_database(name: str) -> None:
    conn = await asyncpg.connect(with_database(DATABASE_URL, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def read_topic(topic: str, *, expect: int = 10**9, timeout: float = 30.0,
                     done=None) -> list[tuple[bytes | None, dict, dict]]:
    """Read a topic from the beginning until `expect` records arrived, `done(records)` is true,
    or the timeout."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=KAFKA, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None, **client_kwargs(TOOL_READER))
    await consumer.start()
    out: list = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(out) < expect and not (done and done(out)) and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for r in records:
                    out.append((r.key, json.loads(r.value), {k: v.decode() for k, v in r.headers}))
    finally:
        await consumer.stop()
    return out


def create_topic(name: str, partitions: int = 3) -> str:
    from kafka.admin import KafkaAdminClient, NewTopic

    admin = KafkaAdminClient(bootstrap_servers=KAFKA, **client_kwargs(ADMIN))
    try:
        admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)])
    finally:
        admin.close()
    return name
