import pytest_asyncio

from contracts import topics
from plumbing.core.eventstore import EventStore
from plumbing.edges.topics_admin import ensure_topics
from tests.conftest import KAFKA
from tests.integration_support import drop_database, migrated_pool


@pytest_asyncio.fixture
async def database():
    name, pool = await migrated_pool("store", max_size=20)
    yield name, pool
    await pool.close()
    await drop_database(name)


@pytest_asyncio.fixture
async def store(database):
    return EventStore(database[1])


@pytest_asyncio.fixture(scope="session")
def kafka_topics():
    ensure_topics(KAFKA)
    return topics
