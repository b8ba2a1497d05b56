"""Consumer lag per partition, read from Kafka at scrape time: the end offset of each partition minus
the offset the group committed there (a group that never committed counts from the start)."""
from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from plumbing.logging import get_logger

log = get_logger(__name__)


class LagReader:
    def __init__(self, bootstrap: str, groups: dict[str, list[str]], *, timeout: float = 5.0,
                 client: dict | None = None) -> None:
        self.client = client or {}  # credentials (plumbing/kafka_security.client_kwargs)
        self.bootstrap, self.groups, self.timeout = bootstrap, groups, timeout
        self._admin: AIOKafkaAdminClient | None = None
        self._offsets: AIOKafkaConsumer | None = None

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None:
            self._admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=3000, **self.client)
            await self._admin.start()
            self._offsets = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None,
                                             enable_auto_commit=False, request_timeout_ms=3000, **self.client)
            await self._offsets.start()
        return self._admin, self._offsets

    async def read(self) -> dict[tuple[str, str, int], int] | None:
        """{(group, topic, partition): lag}, or None when Kafka could not be asked (reported as lag_up 0)."""
        if not self.groups:
            return {}
        try:
            return await asyncio.wait_for(self._read(), self.timeout)
        except (KafkaError, OSError, TimeoutError, AttributeError) as exc:
            log.warning("metrics.lag_unreadable", error=repr(exc))
            await self.close()  # new clients at the next scrape: the broker may have restarted
            return None

    async def _read(self) -> dict[tuple[str, str, int], int]:
        admin, offsets = await self._clients()
        wanted = sorted({t for topics in self.groups.values() for t in topics})
        partitions = [TopicPartition(t["topic"], p["partition"]) for t in await admin.describe_topics(wanted)
                      for p in t["partitions"]]
        ends = await offsets.end_offsets(partitions)
        lag = {}
        for group, topics in self.groups.items():
            committed = await admin.list_consumer_group_offsets(group)
            for tp in partitions:
                if tp.topic in topics:
                    done = committed.get(tp)
                    lag[(group, tp.topic, tp.partition)] = max(ends[tp] - (done.offset if done and done.offset >= 0 else 0), 0)
        return lag

    async def close(self) -> None:
        admin, offsets, self._admin, self._offsets = self._admin, self._offsets, None, None
        for client in (offsets, admin):
            if client is not None:
                try:
                    await client.stop() if isinstance(client, AIOKafkaConsumer) else await client.close()
                except Exception:  # noqa: BLE001 - closing a client of a dead broker may fail; nothing to do
                    pass
