"""The four services as real processes on their own databases and topic prefix, so a load run never
touches a `make up` stack or a test session on the same PostgreSQL and Kafka."""
from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import asyncpg

from plumbing import clock
from plumbing.settings import with_database
from plumbing.edges.kafka_security import ADMIN, client_kwargs  # the bench's own topics and groups: admin's
from plumbing.child_env import child_environment

SERVICES = ("intake", "eligibility", "review", "notify")
SEASON_START = "2020-08-10T09:00:00+08:00"  # the plan's deadlines are past: run on the season's clock


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    def __init__(self, run: str, database_url: str, kafka: str, logs: Path, *, traced: bool = False,
                 access_log: bool = True, trace_sample: float = 1.0) -> None:
        self.run, self.database_url, self.kafka, self.logs = run, database_url, kafka, logs
        # What the services observe (the bench compares both): spans of each service to a file of its
        # own beside its log (plumbing/tracing.py), and the one-line-a-request access log.
        self.traced, self.access_log, self.trace_sample = traced, access_log, trace_sample
        self.prefix = f"zcb{run}"
        self.ports = {name: free_port() for name in SERVICES}
        self.databases = {name: f"zcb_{run}_{name}" for name in SERVICES}
        self.procs: dict[str, subprocess.Popen] = {}

    def spans(self, service: str) -> Path:
        return self.logs / f"{service}-{self.run}-spans.jsonl"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def dsn(self, service: str) -> str:
        return with_database(self.database_url, self.databases[service])

    def env(self) -> dict[str, str]:
        """What any process of this stack needs (the services, and the load generator's topic names)."""
        return {"ZC_TOPIC_PREFIX": self.prefix, "ZC_KAFKA_BOOTSTRAP": self.kafka, "DATABASE_URL": self.database_url}

    def start(self) -> None:
        from plumbing.edges.topics_admin import ensure_topics
        from plumbing.provision import service_database

        ensure_topics(self.kafka, prefix=self.prefix)  # this stack's topics, named by value
        self.logs.mkdir(parents=True, exist_ok=True)
        for name in SERVICES:
            traced = {"ZC_TRACE_FILE": str(self.spans(name)),
                      "ZC_TRACE_SAMPLE_RATIO": str(self.trace_sample)} if self.traced else {}
            env = child_environment({**self.env(), "ZC_PORT": str(self.ports[name]),
                                     **service_database(name, self.databases[name], url=self.database_url),
                                     "ZC_LOG_JSON": "true", "ZC_CLOCK_OFFSET_SECONDS": str(clock.offset_for(SEASON_START)),
                                     # an applicant's two messages come seconds apart here
                                     "ZC_NOTIFY_RATE_WINDOWS": "1:100",
                                     "ZC_ACCESS_LOG": "true" if self.access_log else "false", **traced},
                                    drop=("ZC_CLOCK_FILE", "ZC_TRACE_FILE", "ZC_TRACE_CONSOLE",
                                          "ZC_TRACE_OTLP_ENDPOINT", "ZC_TRACE_SAMPLE_RATIO"))
            log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (the child owns it)
            self.procs[name] = subprocess.Popen([sys.executable, "-m", f"services.{name}"], env=env,
                                                stdout=log, stderr=subprocess.STDOUT)
        for name in SERVICES:
            self._wait_ready(name)

    def _wait_ready(self, name: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see {self.logs / (name + '.log')}")
            try:
                urllib.request.urlopen(self.url(name) + "/readyz", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{name} not ready after {timeout}s; see {self.logs / (name + '.log')}")

    def pids(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in self.procs.items()}

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()

    async def drop(self) -> None:
        conn = await asyncpg.connect(with_database(self.database_url, "postgres"))
        try:
            for db in self.databases.values():
                await conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        finally:
            await conn.close()

    def drop_topics(self) -> None:
        from kafka.admin import KafkaAdminClient

        admin = KafkaAdminClient(bootstrap_servers=self.kafka, **client_kwargs(ADMIN))
        try:
            mine = [t for t in admin.list_topics() if t.startswith(self.prefix + ".")]
            if mine:
                admin.delete_topics(mine)
        finally:
            admin.close()

    def teardown(self) -> None:
        self.stop()
        asyncio.run(self.drop())
        self.drop_topics()
