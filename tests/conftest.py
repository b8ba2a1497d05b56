"""Shared fixtures. Integration tests need the real PostgreSQL and Kafka that `make test` starts
(or that DATABASE_URL / ZC_KAFKA_BOOTSTRAP point at). Every test session gets its own topic
prefix and databases, so tests can run beside a live `make up` stack."""
from __future__ import annotations

import asyncio
import os
import uuid

import pytest
import pytest_asyncio

SESSION = uuid.uuid4().hex[:8]
os.environ.setdefault("ZC_TOPIC_PREFIX", f"t{SESSION}")
os.environ.setdefault("ZC_TOPIC_PARTITIONS", "3")
os.environ.setdefault("ZC_DEV_MODE", "1")
# The compacted personal-data topic rolls a segment every second here, so a test can watch an
# erased record leave the log (ARCHITECTURE.md "Personal data" gives the production bound).
os.environ.setdefault("ZC_PERSONAL_DATA_SEGMENT_MS", "1000")
os.environ.setdefault("ZC_PERSONAL_DATA_DELETE_RETENTION_MS", "1000")  # the tests use the development secrets on purpose

from plumbing.settings import database_url, kafka_bootstrap  # noqa: E402
from tests.containers import ensure_stack  # noqa: E402

# DATABASE_URL / ZC_KAFKA_BOOTSTRAP when given, else the stack on ZC_PG_PORT / ZC_KAFKA_PORT.
_CONTAINERS = ensure_stack(database_url(), kafka_bootstrap())
DATABASE_URL = database_url()
KAFKA = kafka_bootstrap()


def pytest_sessionfinish(session, exitstatus):
    for container in _CONTAINERS:
        container.stop()


def pytest_collection_modifyitems(items):
    for item in items:
        parts = item.path.parts
        if "integration" in parts or "e2e" in parts or "ops" in parts:
            item.add_marker(pytest.mark.integration)
    # The operations tests kill processes and restart PostgreSQL and Kafka: they run last, so no
    # other test's connections are in their way.
    items.sort(key=lambda item: ("ops" in item.path.parts, "chaos" in item.path.name))


@pytest_asyncio.fixture
async def eventually():
    """Poll `probe` until it returns something truthy: the services talk through Kafka, so they
    agree eventually, not at once."""
    async def _eventually(probe, *, timeout: float = 45, interval: float = 0.3):
        deadline = asyncio.get_running_loop().time() + timeout
        last = None
        while asyncio.get_running_loop().time() < deadline:
            last = await probe()
            if last:
                return last
            await asyncio.sleep(interval)
        raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")
    return _eventually
