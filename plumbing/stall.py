"""Is anything stuck? The answers /readyz gives, each with a reason an operator can act on.

- the outbox: the oldest row waiting for the relay, or a parked row, older than the threshold
  (read from the database when asked: one indexed query);
- the consumers: per partition of every subscribed topic, the oldest record not yet committed by
  the group older than the threshold, or records waiting while the group's committed offset has
  not moved for the threshold. Kafka is asked every few seconds by a background task (`run`), not
  on every probe; /readyz reads the last answer, and a watcher that has not answered lately is a
  reason too.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from plumbing.core import outbox_admin
from plumbing.logging import get_logger
from plumbing.loops import keep_running, nap, stop_quietly

log = get_logger(__name__)


class NotReady(Exception):
    """A readiness check's answer: not ready, and why (shown in /readyz's body)."""


async def outbox_reasons(pool: asyncpg.Pool, threshold_s: float) -> list[str]:
    h = await outbox_admin.health(pool)
    reasons = []
    if h.oldest_pending_s is not None and h.oldest_pending_s > threshold_s:
        reasons.append(f"outbox: {h.pending} rows waiting, the oldest for {h.oldest_pending_s:.0f}s"
                       f" (more than {threshold_s:.0f}s): is the relay publishing?")
    if h.oldest_parked_s is not None and h.oldest_parked_s > threshold_s:
        reasons.append(f"outbox: {h.parked} rows parked (Kafka refused them), the oldest for {h.oldest_parked_s:.0f}s:"
                       " see `zc outbox parked`")
    return reasons


@dataclass
class Group:
    group_id: str
    topics: list[str]


@dataclass
class _Seen:
    committed: int
    since: float


@dataclass
class ConsumerWatch:
    bootstrap: str
    groups: list[Group]
    threshold_s: float
    interval_s: float = 5.0
    answer_within_s: float = 15.0  # a look (or a client start) that takes longer is abandoned: new clients
    client: dict = field(default_factory=dict)  # credentials (plumbing/kafka_security.client_kwargs)
    reasons: list[str] = field(default_factory=list)
    checked_at: float | None = None
    _seen: dict = field(default_factory=dict)  # (group, TopicPartition) -> _Seen
    _partitions_of: dict = field(default_factory=dict)  # topic -> partition numbers
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _since: float = field(default_factory=time.monotonic)

    def stop(self) -> None:
        self._stop.set()

    def current(self) -> list[str]:
        if not self.groups:
            return []
        if self.checked_at is None and time.monotonic() - self._since <= self.threshold_s:
            return []  # starting: the first look comes within interval_s
        age = time.monotonic() - (self.checked_at or self._since)
        if age > max(self.threshold_s, 3 * self.interval_s):
            return [f"consumers: not checked for {age:.0f}s (Kafka unreachable?)"]
        return list(self.reasons)

    async def run(self) -> None:
        if self.groups:
            await keep_running(self._session, self._stop, name="stall_watch", errors=(OSError, KafkaError))

    async def _session(self) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=5000, **self.client)
        reader = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False,
                                  fetch_max_bytes=64 * 1024, max_partition_fetch_bytes=64 * 1024, **self.client)
        try:
            await asyncio.wait_for(admin.start(), self.answer_within_s)
            await asyncio.wait_for(reader.start(), self.answer_within_s)
            while not self._stop.is_set():
                # Bounded: a client that never answers (seen after a broker restart) would freeze
                # the watcher; a timeout is an OSError, so keep_running starts fresh clients.
                self.reasons = await asyncio.wait_for(self.look(admin, reader), self.answer_within_s)
                self.checked_at = time.monotonic()
                await nap(self._stop, self.interval_s)
        finally:
            await stop_quietly(reader.stop(), "stall_watch.close_failed")
            await stop_quietly(admin.close(), "stall_watch.close_failed")


    async def look(self, admin: AIOKafkaAdminClient, reader: AIOKafkaConsumer) -> list[str]:
        now = time.monotonic()
        reasons, waiting = [], {}
        for group in self.groups:
            committed = await admin.list_consumer_group_offsets(group.group_id)
            partitions = await self._partitions(admin, group.topics)
            if not partitions:
                continue
            starts = await reader.beginning_offsets(partitions)
            ends = await reader.end_offsets(partitions)
            for tp in partitions:
                meta = committed.get(tp)
                position = meta.offset if meta is not None and meta.offset >= 0 else starts[tp]
                if ends[tp] <= position:
                    self._seen.pop((group.group_id, tp), None)
                    continue
                seen = self._seen.get((group.group_id, tp))
                if seen is None or seen.committed != position:
                    seen = self._seen[(group.group_id, tp)] = _Seen(position, now)
                if now - seen.since > self.threshold_s:
                    reasons.append(f"consumer {group.group_id}: {ends[tp] - position} records waiting on {tp.topic}"
                                   f"[{tp.partition}] and nothing committed for {now - seen.since:.0f}s")
                waiting[tp] = (group.group_id, position)
        reasons += await self._oldest_ages(reader, waiting)
        return reasons

    async def _partitions(self, admin: AIOKafkaAdminClient, topics: list[str]) -> list[TopicPartition]:
        missing = [t for t in topics if t not in self._partitions_of]
        if missing:
            for described in await admin.describe_topics(missing):
                if described["error_code"] == 0 and described["partitions"]:
                    self._partitions_of[described["topic"]] = sorted(p["partition"] for p in described["partitions"])
        return [TopicPartition(t, p) for t in topics for p in self._partitions_of.get(t, ())]

    async def _oldest_ages(self, reader: AIOKafkaConsumer, waiting: dict) -> list[str]:
        """The age of the first record each group has not committed, read at that offset."""
        if not waiting:
            return []
        reader.assign(list(waiting))
        for tp, (_, position) in waiting.items():
            reader.seek(tp, position)
        first: dict = {}
        for _ in range(3):
            batches = await reader.getmany(timeout_ms=500, max_records=len(waiting) * 4)
            for tp, records in batches.items():
                if records and tp not in first:
                    first[tp] = records[0].timestamp / 1000
                    reader.pause(tp)
            if len(first) == len(waiting):
                break
        reader.resume(*list(waiting))
        reasons = []
        for tp, stamp in first.items():
            age = time.time() - stamp
            if age > self.threshold_s:
                reasons.append(f"consumer {waiting[tp][0]}: the oldest unprocessed record on {tp.topic}[{tp.partition}]"
                               f" is {age:.0f}s old (more than {self.threshold_s:.0f}s)")
        return reasons
