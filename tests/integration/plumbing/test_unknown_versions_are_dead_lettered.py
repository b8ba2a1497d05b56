"""A record whose schema version the reader does not know goes to the dead-letter path at once,
through the real consumer and the reaction table on PostgreSQL; the records around it go on."""
import json
import uuid

from contracts.envelope import SYSTEM_ACTOR
from contracts.events import ApplicationWithdrawn, UnitRejected
from plumbing.core.application import Append, Context, Recorder
from plumbing.core.reactions import Reactions
from plumbing.core.consumer import IdempotentConsumer, Record
from tests.integration.plumbing.events_for_tests import withdrawn


async def test_a_record_at_a_version_newer_than_the_reader_knows_is_dead_lettered_at_once(database, store):
    _name, pool = database

    async def when_withdrawn_reject(e: ApplicationWithdrawn, ctx: Context) -> Append:
        return Append(f"derived-{e.application_id}", [UnitRejected(application_id=e.application_id, reason=e.reason)],
                      key=str(e.application_id))

    reactions = Reactions(Recorder(store, topic="out", actor=SYSTEM_ACTOR)).add(when_withdrawn_reject)
    consumer = IdempotentConsumer("versions", pool, reactions.handle, dead_letter_topic="dlq", wants=reactions.wants)
    newer, known = uuid.uuid4(), uuid.uuid4()
    future = (await store.append(f"app-{newer}", 0, [withdrawn(newer)]))[0].model_copy(update={"schema_version": 999})
    current = (await store.append(f"app-{known}", 0, [withdrawn(known)]))[0]
    records = [Record("src", 0, i, str(e.payload["application_id"]).encode(), e.model_dump_json().encode())
               for i, e in enumerate([future, current])]

    result = await consumer.process(records)

    assert (result.dead_lettered, result.processed) == (1, 1)
    assert await store.load_stream(f"derived-{newer}") == []
    assert [e.event_type for e in await store.load_stream(f"derived-{known}")] == ["UnitRejected"]
    dead = json.loads(await pool.fetchval("SELECT raw::text FROM outbox WHERE raw IS NOT NULL"))
    assert "UnknownEventVersion" in dead["error"] and dead["event_id"] == str(future.event_id)
    assert await pool.fetchval("SELECT status FROM inbox WHERE event_id = $1", future.event_id) == "dead_letter"
