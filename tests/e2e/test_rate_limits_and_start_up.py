"""Rate limits per principal and the refusal of development secrets, on real service processes
(eligibility on its own topics and database, so the shared e2e stack keeps its limits)."""
from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import urllib.request
import uuid

import httpx
import pytest

from contracts.envelope import Role
from tests.conftest import KAFKA, SESSION
from tests.e2e.api import token
from tests.e2e.conftest import LOGS, _free_port
from tests.integration_support import drop_database
from tests.keys import fresh_key_pair
from plumbing.edges.topics_admin import ensure_topics
from plumbing.provision import service_database


def _start(service: str, **env: str) -> tuple[subprocess.Popen, str, str]:
    tag = uuid.uuid4().hex[:6]
    port, prefix = _free_port(), f"t{SESSION}r{tag}"
    ensure_topics(KAFKA, prefix=prefix)
    LOGS.mkdir(parents=True, exist_ok=True)
    log = open(LOGS / f"{service}-{tag}.log", "ab")
    database = f"zct_{SESSION}_{service}_{tag}"
    proc = subprocess.Popen([sys.executable, "-m", f"services.{service}"], stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "ZC_PORT": str(port), "ZC_TOPIC_PREFIX": prefix,
                                 **service_database(service, database), "ZC_KAFKA_BOOTSTRAP": KAFKA, **env})
    return proc, f"http://127.0.0.1:{port}", database


def _ready(proc: subprocess.Popen, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the service exited"
        try:
            urllib.request.urlopen(url + "/readyz", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("not ready")


@contextlib.contextmanager
def lone_service(service: str, **env: str):
    """One service on its own database and topics, with `env`, ready: (url, database); then stopped
    and its database dropped."""
    proc, url, database = _start(service, **env)
    try:
        _ready(proc, url)
        yield url, database
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        asyncio.run(drop_database(database))


@pytest.fixture(scope="module")
def limited():
    with lone_service("eligibility", ZC_RATE_LIMIT_PER_MINUTE="6", ZC_RATE_LIMIT_BURST="5") as (url, _):
        yield url


async def test_a_caller_over_its_limit_gets_429_with_retry_after(limited):
    auditor = token(Role.AUDITOR, user=f"busy-{uuid.uuid4().hex[:6]}")
    async with httpx.AsyncClient(timeout=30) as client:
        answers = [await client.get(f"{limited}/assessments/{uuid.uuid4()}", headers=auditor) for _ in range(6)]
    assert [a.status_code for a in answers] == [404] * 5 + [429]
    assert answers[-1].json()["code"] == "RATE_LIMITED" and int(answers[-1].headers["Retry-After"]) >= 1


async def test_a_load_of_many_principals_is_not_throttled_by_the_per_principal_limit(limited):
    callers = [token(Role.AUDITOR, user=f"load-{n}-{uuid.uuid4().hex[:4]}") for n in range(40)]
    async with httpx.AsyncClient(timeout=30) as client:
        answers = await asyncio.gather(*(client.get(f"{limited}/assessments/{uuid.uuid4()}", headers=headers)
                                         for headers in callers for _ in range(5)))
    assert {a.status_code for a in answers} == {404}


def test_a_service_refuses_to_start_with_the_development_secret_without_the_development_flag():
    proc, _url, _database = _start("intake", ZC_DEV_MODE="0")
    assert proc.wait(timeout=60) != 0
    newest = max(LOGS.glob("intake-*.log"), key=lambda p: p.stat().st_mtime)
    log = newest.read_text(encoding="utf-8", errors="replace")
    assert "refusing to start" in log and "ZC_TOKEN_PUBLIC_KEY" in log


def test_a_service_without_kafka_credentials_refuses_to_start_unless_in_development():
    """Without a login the client would speak PLAINTEXT: only a broker without ACLs takes that."""
    real = {"ZC_TOKEN_PUBLIC_KEY": fresh_key_pair()[1]}  # eligibility holds no other key
    proc, _url, _database = _start("eligibility", ZC_DEV_MODE="0", ZC_KAFKA_CREDENTIALS="/nonexistent/credentials",
                                   **real)
    assert proc.wait(timeout=60) != 0
    newest = max(LOGS.glob("eligibility-*.log"), key=lambda p: p.stat().st_mtime)
    assert "no Kafka credentials for 'eligibility'" in newest.read_text(encoding="utf-8", errors="replace")


def test_a_service_with_a_superuser_database_login_exits_non_zero_outside_development():
    """Without its own login (ZC_DB_CREDENTIALS) the service would use DATABASE_URL's administrator."""
    proc, _url, _database = _start("eligibility", ZC_DEV_MODE="0", ZC_TOKEN_PUBLIC_KEY=fresh_key_pair()[1],
                                   ZC_DB_CREDENTIALS="")
    assert proc.wait(timeout=60) != 0
    newest = max(LOGS.glob("eligibility-*.log"), key=lambda p: p.stat().st_mtime)
    assert "the database login is a superuser" in newest.read_text(encoding="utf-8", errors="replace")
