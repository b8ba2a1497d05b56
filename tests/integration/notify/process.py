"""One notify process on its own topics (a prefix of its own) and database, driven through Kafka.

Its own prefix keeps it apart from the e2e `stack` (whose notify would otherwise share the
consumer group and split the partitions). The test produces review events to its review topic,
reads its dead-letter topic, and may kill -9 and restart it. Notify plans nothing about an
application it has not seen filed, so `publish` files each application first, as intake would.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from aiokafka import AIOKafkaProducer

from contracts import topics
from plumbing.provision import service_database
from contracts.personal_record import APPLICANT, OPERATOR
from contracts.envelope import Envelope
from plumbing import clock
from plumbing.edges.kafka_security import TOOL_WRITER, client_kwargs
from plumbing.edges.topics_admin import ensure_topics
from tests.conftest import KAFKA, SESSION
from tests.integration.notify.events import filed, personal_record

LOGS = Path(os.environ.get("ZC_TEST_LOGS", "/tmp")) / f"zc-notify-{SESSION}"
SEASON_START = "2020-08-10T09:00:00+08:00"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NotifyProcess:
    def __init__(self, env: dict[str, str] | None = None, *, season: str = SEASON_START) -> None:
        tag = uuid.uuid4().hex[:6]
        self.prefix, self.database, self.port = f"t{SESSION}n{tag}", f"zct_{SESSION}_notify_{tag}", free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {"ZC_CLOCK_OFFSET_SECONDS": str(clock.offset_for(season)), "ZC_NOTIFY_RATE_WINDOWS": "1:100",
                    **(env or {})}
        self.proc: subprocess.Popen | None = None
        ensure_topics(KAFKA, prefix=self.prefix)
        self.review_topic, self.dead_letter_topic = topics.review(self.prefix), topics.dead_letter(self.prefix)
        self.personal_topics = {APPLICANT: topics.personal_data(self.prefix), OPERATOR: topics.operators_data(self.prefix)}
        self.notifications_topic = topics.notifications(self.prefix)
        self.applications_topic = topics.applications(self.prefix)
        self.filed: set[str] = set()  # applications whose filing was published

    def start(self, **extra_env: str) -> "NotifyProcess":
        LOGS.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ZC_SMS_", "ZC_NOTIFY_"))}
        env.update(ZC_PORT=str(self.port), **service_database("notify", self.database), ZC_LOG_JSON="true",
                   ZC_KAFKA_BOOTSTRAP=KAFKA,
                   ZC_TOPIC_PREFIX=self.prefix, **self.env, **extra_env)
        log = open(LOGS / f"{self.prefix}.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "services.notify"], env=env, stdout=log,
                                     stderr=subprocess.STDOUT)
        return self

    def wait_ready(self, timeout: float = 60) -> "NotifyProcess":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"notify exited ({self.proc.returncode}); see {LOGS / (self.prefix + '.log')}")
            try:
                urllib.request.urlopen(self.url + "/readyz", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"notify not ready after {timeout}s")

    def wait_exit(self, timeout: float = 60) -> int:
        return self.proc.wait(timeout=timeout)

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()

    async def publish(self, *envelopes: Envelope, key: str | None = None, file_first: bool = True) -> None:
        """Produce the envelopes' bytes to the review topic, exactly as the review relay would; first
        (unless `file_first` is false) intake's filing of each application they name, not yet filed."""
        producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks="all", **client_kwargs(TOOL_WRITER))
        await producer.start()
        try:
            for e in envelopes:
                if record := personal_record(e):  # intake's record of the applicant, as it would publish it
                    await producer.send_and_wait(self.personal_topics[record[2]], record[1], key=record[0])
                if file_first and (app_id := e.payload.get("application_id")) and app_id not in self.filed:
                    person_ref = (e.payload.get("summary") or {}).get("person_ref", "")
                    await self.file(uuid.UUID(app_id), producer, person_ref=person_ref)
                k = key or str(e.payload.get("application_id") or e.stream_id)
                await producer.send_and_wait(self.review_topic, e.model_dump_json().encode(), key=k.encode())
        finally:
            await producer.stop()

    async def file(self, app_id: uuid.UUID, producer: AIOKafkaProducer | None = None, *, person_ref: str = "") -> None:
        """Produce intake's ApplicationSubmitted of `app_id` to the applications topic."""
        own = producer is None
        if own:
            producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks="all", **client_kwargs(TOOL_WRITER))
            await producer.start()
        try:
            await producer.send_and_wait(self.applications_topic, filed(app_id, person_ref).model_dump_json().encode(),
                                         key=str(app_id).encode())
            self.filed.add(str(app_id))
        finally:
            if own:
                await producer.stop()
