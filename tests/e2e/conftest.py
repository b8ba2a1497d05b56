"""The four services as real processes, on this test session's topics and databases."""
from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from plumbing import clock
from plumbing.edges.topics_admin import ensure_topics
from plumbing.provision import service_database
from tests.conftest import KAFKA, SESSION
from tests.integration_support import drop_database

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Free ports, so that several test sessions (and a live `make up` stack) can run side by side.
SERVICES = {name: _free_port() for name in ("intake", "eligibility", "review", "notify")}
SEASON_START = "2020-08-10T09:00:00+08:00"  # the 2020 plan's deadlines are in the past: run on its clock
LOGS = Path(os.environ.get("ZC_TEST_LOGS", "/tmp")) / f"zc-e2e-{SESSION}"
# The e2e stacks run intake and eligibility with one PostgreSQL connection: a request or a loop that
# asks the pool for a second connection while it holds one then waits for ever, so every e2e test is
# also a test that none does (one deadlocked intake under load). Review and notify get two: notify's
# SMS dispatcher holds one for good (its advisory lock and LISTEN), and review's projection, sweeper,
# consumers and doors on one connection made its read models slow enough to miss a test's 45 s (two
# full e2e runs with review on one connection found no second acquisition on any path they took).
ONE_CONNECTION = {"review": "2", "notify": "2"}


class Stack:
    """The four services. `tag` gives a stack of its own: its own topic prefix (the session's + tag),
    databases and ports, so what it writes can be told from what the session's stack and the
    tests' forged events wrote (the season scan reads everything of its prefix)."""

    def __init__(self, tag: str = "", season_start: str = SEASON_START) -> None:
        self.procs: dict[str, subprocess.Popen] = {}
        self.tag = tag
        self.ports = {name: _free_port() for name in SERVICES} if tag else dict(SERVICES)
        self.databases = {name: f"zct_{SESSION}{tag}_{name}" for name in SERVICES}
        self.prefix = os.environ["ZC_TOPIC_PREFIX"] + tag
        self.env = {"ZC_CLOCK_OFFSET_SECONDS": str(clock.offset_for(season_start)), "ZC_TOPIC_PREFIX": self.prefix,
                    "ZC_NOTIFY_RATE_WINDOWS": "1:100",  # the season's messages arrive within seconds here
                    "ZC_REFERENCE_WAIT_SECONDS": "10"}  # a phantom reference is dead-lettered within the test
        self.clock_of: dict[str, dict[str, str]] = {}  # per-service clock after `set_season_time`
        # The checkout's interpreter, run in the checkout (tests/e2e/test_installed_wheel.py: the wheel's).
        self.python, self.cwd = sys.executable, None

    def log(self, service: str) -> Path:
        return LOGS / f"{service}{'-' + self.tag if self.tag else ''}.log"

    def spans(self, service: str) -> Path:
        return LOGS / f"{service}{'-' + self.tag if self.tag else ''}-spans.jsonl"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, service: str) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, ZC_PORT=str(self.ports[service]), **service_database(service, self.databases[service]),
                   ZC_LOG_JSON="true", ZC_KAFKA_BOOTSTRAP=KAFKA, **self.env,
                   ZC_TRACE_FILE=str(self.spans(service)))  # tests/e2e/test_one_filing_traced.py
        env.update(self.clock_of.get(service, {}))
        env.setdefault("ZC_DB_POOL_SIZE", ONE_CONNECTION.get(service, "1"))
        log = open(self.log(service), "ab")
        self.procs[service] = subprocess.Popen([str(self.python), "-m", f"services.{service}"], env=env, cwd=self.cwd,
                                               stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, service: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[service].poll() is not None:
                raise RuntimeError(f"{service} exited; see {self.log(service)}")
            try:
                urllib.request.urlopen(self.url(service) + "/readyz", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{service} not ready after {timeout}s")

    def set_season_time(self, iso: str | None, services: tuple[str, ...] = ("review",)) -> None:
        """Time travel: restart only `services` with a clock reading `iso` now (None: the shared
        season clock again). The others keep the season clock; a module that travels restores it."""
        for name in services:
            if iso is None:
                self.clock_of.pop(name, None)
            else:
                self.clock_of[name] = {"ZC_CLOCK_OFFSET_SECONDS": str(clock.offset_for(iso))}
            self.stop(name)
            self.start(name)
        for name in services:
            self.wait_ready(name)

    def stop(self, service: str) -> None:
        proc = self.procs.pop(service, None)
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def running(s: Stack):
    """Start the stack's four services on its own topics (created first); stop them and drop their
    databases at the end."""
    ensure_topics(KAFKA, prefix=s.prefix)
    for name in SERVICES:
        s.start(name)
    try:
        for name in SERVICES:
            s.wait_ready(name)
        yield s
    finally:
        for name in list(s.procs):
            s.stop(name)
        for db in s.databases.values():
            asyncio.run(drop_database(db))


@pytest.fixture(scope="session")
def stack():
    with running(Stack()) as s:
        yield s
