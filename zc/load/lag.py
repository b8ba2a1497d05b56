"""Consumer lag of a stack's consumer groups (records not yet processed), sampled in a thread."""
from __future__ import annotations

import threading

from kafka import KafkaConsumer
from kafka.admin import KafkaAdminClient
from plumbing.edges.kafka_security import ADMIN, client_kwargs  # the bench's own topics and groups: admin's


class LagSampler:
    def __init__(self, bootstrap: str, group_prefix: str, interval: float = 1.0) -> None:
        self.bootstrap, self.prefix, self.interval = bootstrap, group_prefix, interval
        self.samples: list[int] = []
        self.errors: list[str] = []  # reported with the step, so a broken sampler cannot pass for "no lag"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def lag(self, admin: KafkaAdminClient, consumer: KafkaConsumer) -> int:
        total = 0
        groups = [g["group_id"] for g in admin.list_groups() if g["group_id"].startswith(self.prefix)]
        for group, committed in (admin.list_group_offsets(groups) if groups else {}).items():
            if not committed:
                continue
            ends = consumer.end_offsets(list(committed))
            total += sum(max(0, ends[tp] - meta.offset) for tp, meta in committed.items() if meta.offset >= 0)
        return total

    def _loop(self) -> None:
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, **client_kwargs(ADMIN))
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, **client_kwargs(ADMIN))
        try:
            while not self._stop.wait(self.interval):
                try:
                    self.samples.append(self.lag(admin, consumer))
                except Exception as exc:  # noqa: BLE001 - a missed sample is not worth stopping the run for
                    self.errors.append(repr(exc))
        finally:
            admin.close()
            consumer.close()

    def start(self) -> LagSampler:
        self._thread.start()
        return self

    def take(self) -> list[int]:
        """The samples since the last take."""
        taken, self.samples = self.samples, []
        return taken

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
