import pytest_asyncio

from contracts import topics
from contracts.envelope import SYSTEM_ACTOR
from plumbing.core.application import Recorder
from plumbing.core.eventstore import EventStore
from tests.integration_support import drop_database, migrated_pool


@pytest_asyncio.fixture
async def store():
    name, pool = await migrated_pool("review", max_size=5)
    yield EventStore(pool)
    await pool.close()
    await drop_database(name)


@pytest_asyncio.fixture
async def recorder(store):
    return Recorder(store, topic=topics.review(), actor=SYSTEM_ACTOR)
