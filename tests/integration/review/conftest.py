import pytest_asyncio

from contracts import topics
from contracts.envelope import SYSTEM_ACTOR
from plumbing.core.application import Recorder
from plumbing.db import open_pool
from plumbing.core.eventstore import EventStore
from services.review.bootstrap import TABLES
from tests.conftest import DATABASE_URL
from tests.integration_support import db_name, drop_database


@pytest_asyncio.fixture
async def store():
    name = db_name("review")
    pool = await open_pool(DATABASE_URL, name, max_size=5, extra_schema=TABLES)
    yield EventStore(pool)
    await pool.close()
    await drop_database(name)


@pytest_asyncio.fixture
async def recorder(store):
    return Recorder(store, topic=topics.review(), actor=SYSTEM_ACTOR)
