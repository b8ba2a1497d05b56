import pytest_asyncio

from contracts import topics
from plumbing.db import open_pool
from plumbing.core.eventstore import EventStore
from plumbing.edges.topics_admin import ensure_topics
from tests.conftest import DATABASE_URL, KAFKA
from tests.integration_support import db_name, drop_database


@pytest_asyncio.fixture
async def database():
    name = db_name("store")
    pool = await open_pool(DATABASE_URL, name, max_size=20)
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
