import pytest_asyncio

from contracts import topics
from plumbing.core.application import Recorder
from plumbing.core.eventstore import EventStore
from plumbing.core.unit_of_work import PostgresUnitOfWork
from services.intake.adapters.ports_pg import intake_ports
from services.intake.bootstrap import reaction_tables
from services.intake.usecases.filing import INTAKE_ACTOR
from tests.integration_support import drop_database, migrated_pool


def unit_of_work(recorder: Recorder, vault=None) -> PostgresUnitOfWork:
    """What intake's HTTP edge opens for a command (`vault`: the data keys, for filings and erasures)."""
    return PostgresUnitOfWork(recorder.store.pool, recorder, lambda conn: intake_ports(conn, vault))


@pytest_asyncio.fixture
async def recorder():
    name, pool = await migrated_pool("intake", max_size=5)
    yield Recorder(EventStore(pool), topic=topics.applications(), actor=INTAKE_ACTOR)
    await pool.close()
    await drop_database(name)


@pytest_asyncio.fixture
async def consume(recorder):
    """Feed review's events to intake's reactions (the bootstrap's own table) in one transaction,
    as its consumer does."""
    [reactions] = reaction_tables(recorder).values()

    async def _consume(*envelopes):
        async with recorder.store.pool.acquire() as conn, conn.transaction():
            for envelope in envelopes:
                await reactions.handle(conn, envelope)
    return _consume
