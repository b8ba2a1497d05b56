"""notify against real PostgreSQL and Kafka: a database of its own, the fake SMS provider, and
notify processes on topics of their own."""
from __future__ import annotations

import asyncio

import httpx
import pytest
import pytest_asyncio

from plumbing.core.eventstore import EventStore
from contracts.envelope import Role
from plumbing.edges.dev_issuer import bearer

AUDITOR = bearer(Role.AUDITOR, name="notify-tests")
from tests.integration.notify.process import NotifyProcess
from tests.integration.notify.provider import FakeProvider
from tests.integration_support import drop_database, migrated_pool


@pytest_asyncio.fixture
async def notify_db():
    name, pool = await migrated_pool("notify", max_size=10)
    yield pool
    await pool.close()
    await drop_database(name)


@pytest_asyncio.fixture
async def store(notify_db):
    return EventStore(notify_db)


@pytest.fixture(scope="session")
def provider_server():
    server = FakeProvider().start()
    yield server
    server.stop()


@pytest.fixture
def provider(provider_server):
    provider_server.reset()
    return provider_server


@pytest.fixture
def notify_process():
    """A factory: `notify_process(env)` -> a NotifyProcess (not started); all are stopped and
    their databases dropped after the test."""
    made: list[NotifyProcess] = []

    def _make(env: dict[str, str] | None = None, **kwargs) -> NotifyProcess:
        made.append(NotifyProcess(env, **kwargs))
        return made[-1]

    yield _make
    for process in made:
        process.stop()
        asyncio.run(drop_database(process.database))




async def get_json(url: str):
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(url, headers=AUDITOR)
    return response.json() if response.status_code == 200 else None
