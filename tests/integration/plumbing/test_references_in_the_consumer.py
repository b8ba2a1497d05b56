"""The consumer on PostgreSQL: a reference not yet known is retried while its wait lasts (past the
attempt limit of other failures) and processed once known; a phantom is dead-lettered at once."""
import json
import uuid

import pytest

from plumbing.core.consumer import MAX_ATTEMPTS, IdempotentConsumer, Record
from plumbing.core.references import PhantomReference, ReferenceNotYetKnown
from tests.integration.plumbing.events_for_tests import withdrawn


async def _records(store, *app_ids):
    appended = [(await store.append(f"app-{a}", 0, [withdrawn(a)]))[0] for a in app_ids]
    return [Record("src", 0, i, str(a).encode(), e.model_dump_json().encode())
            for i, (a, e) in enumerate(zip(app_ids, appended))]


async def test_a_reference_not_yet_known_waits_past_the_attempt_limit_and_is_processed_once_known(database, store):
    _name, pool = database
    known: set[str] = set()
    handled: list[str] = []

    async def handler(conn, envelope):
        app_id = envelope.payload["application_id"]
        if app_id not in known:
            raise ReferenceNotYetKnown(f"application {app_id}", wait_seconds=3600)
        handled.append(app_id)

    consumer = IdempotentConsumer("waits", pool, handler, dead_letter_topic="dlq")
    app = uuid.uuid4()
    records = await _records(store, app)
    for _ in range(MAX_ATTEMPTS + 2):
        with pytest.raises(ReferenceNotYetKnown):
            await consumer.process(records)  # the batch is rolled back and delivered again
    known.add(str(app))
    result = await consumer.process(records)
    assert (result.processed, result.dead_lettered) == (1, 0) and handled == [str(app)]
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE raw IS NOT NULL") == 0


async def test_a_phantom_reference_is_dead_lettered_on_its_first_failure_and_the_next_record_goes_on(database, store):
    _name, pool = database
    phantom, real = uuid.uuid4(), uuid.uuid4()

    async def handler(conn, envelope):
        if envelope.payload["application_id"] == str(phantom):
            raise PhantomReference(f"application {phantom}")

    consumer = IdempotentConsumer("origin", pool, handler, dead_letter_topic="dlq")
    result = await consumer.process(await _records(store, phantom, real))
    assert (result.dead_lettered, result.processed) == (1, 1)
    dead = json.loads(await pool.fetchval("SELECT raw::text FROM outbox WHERE raw IS NOT NULL"))
    assert dead["key"] == str(phantom) and dead["error"].startswith("PhantomReference")
