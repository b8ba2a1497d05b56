import pytest_asyncio

from contracts import topics
from plumbing.core.application import Reactions, Recorder
from plumbing.core.eventstore import EventStore
from services.intake.domain import filing
from services.intake.reactions.when_archive_changes_record_entry import (
    when_archive_entry_added_record_it, when_archive_entry_judged_record_status)
from services.intake.reactions.when_returned_record_return import when_returned_record_return
from services.intake.reactions.when_unit_authorized_record_unit import when_unit_authorized_record_unit
from services.intake.usecases.filing import INTAKE_ACTOR
from tests.integration_support import drop_database, migrated_pool


@pytest_asyncio.fixture
async def recorder():
    name, pool = await migrated_pool("intake", max_size=5)
    yield Recorder(EventStore(pool), topic=topics.applications(), actor=INTAKE_ACTOR)
    await pool.close()
    await drop_database(name)


@pytest_asyncio.fixture
async def consume(recorder):
    """Feed review's events to intake's reactions in one transaction, as its consumer does."""
    reactions = (Reactions(recorder).add(when_returned_record_return(recorder.repository(filing.evolve)))
                 .add(when_archive_entry_added_record_it).add(when_archive_entry_judged_record_status)
                 .add(when_unit_authorized_record_unit))

    async def _consume(*envelopes):
        async with recorder.store.pool.acquire() as conn, conn.transaction():
            for envelope in envelopes:
                await reactions.handle(conn, envelope)
    return _consume
