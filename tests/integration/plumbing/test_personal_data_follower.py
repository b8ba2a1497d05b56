"""The personal-data topic's own subscription on the real PostgreSQL and Kafka: a record is an
upsert, a tombstone a delete (not bad data, as on the event topics), an invalid record is set aside
without copying it, and the group's offset follows the rows."""
import asyncio
import json

import pytest
from aiokafka import AIOKafkaProducer

from contracts import topics
from contracts.personal_record import APPLICANT, OPERATOR, PersonalRecord, record_key
from plumbing.core import personal_data
from plumbing.core.decoding import BadRecord
from plumbing.edges.kafka_security import TOOL_WRITER, client_kwargs
from tests.conftest import KAFKA
from tests.integration_support import drop_database, migrated_pool

REF = "ab" * 32
KEY = record_key(APPLICANT, REF)
RECORD = PersonalRecord(person_ref=REF, name="钱小红", phone="13912340001", id_number_masked="330602************")


def value(record: PersonalRecord) -> bytes:
    return json.dumps(record.model_dump(), ensure_ascii=False).encode()


@pytest.fixture
async def pool():
    name, pool = await migrated_pool("review", max_size=5)  # a reader of personal data
    yield pool
    await pool.close()
    await drop_database(name)


async def test_a_record_is_stored_and_its_tombstone_deletes_it_and_says_the_person_was_erased(pool):
    erased = []

    async def on_erased(_conn, ref):
        erased.append(ref)

    async with pool.acquire() as conn, conn.transaction():
        assert await personal_data.apply(conn, KEY, value(RECORD)) == "stored"
        assert await personal_data.lookup(conn, [REF, "cd" * 32]) == {REF: RECORD}
        assert await personal_data.apply(conn, KEY, None, on_erased=on_erased) == "erased"
        assert await personal_data.lookup(conn, [REF]) == {REF: None}
    assert erased == [REF]


@pytest.mark.parametrize("key,raw,code", [
    (None, b"{}", "NO_KEY"), (KEY, b"not json", "NOT_JSON"),
    (KEY, b'{"person_ref": "x"}', "INVALID"),
    (record_key(APPLICANT, "cd" * 32), value(RECORD), "KEY_MISMATCH"),
    # a unit operator's key (review's kind) on the applicants' topic, or a key naming no kind at all
    (record_key(OPERATOR, REF), value(RECORD), "KEY_KIND_MISMATCH"), (REF.encode(), value(RECORD), "KEY_KIND_MISMATCH"),
    (record_key(OPERATOR, REF), None, "KEY_KIND_MISMATCH"),
])
async def test_a_record_that_is_not_a_persons_current_data_is_bad_data(pool, key, raw, code):
    async with pool.acquire() as conn, conn.transaction():
        with pytest.raises(BadRecord, match=code):
            await personal_data.apply(conn, key, raw)


async def test_the_follower_reads_records_and_tombstones_from_the_topic_and_sets_bad_ones_aside(pool, kafka_topics,
                                                                                                  eventually):
    # review's principal, in a group of the test's own (the e2e stack's review uses the default one)
    follower = personal_data.PersonalDataFollower(pool, KAFKA, service="review",
                                                  group_id=f"{topics._prefix()}-review-personal-data-test")
    task = asyncio.create_task(follower.run())
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks="all", **client_kwargs(TOOL_WRITER))
    await producer.start()
    try:
        topic = topics.personal_data()
        await producer.send_and_wait(topic, value(RECORD), key=KEY)
        await producer.send_and_wait(topic, b"\xff not a record", key=KEY)
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM personal_data WHERE person_ref = $1", REF))
        await producer.send_and_wait(topic, None, key=KEY)
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM erased_persons WHERE person_ref = $1", REF))
        assert not await pool.fetchval("SELECT count(*) FROM personal_data WHERE person_ref = $1", REF)
        # (other tests of the session may have written records of their own to the topic: find ours)
        letters = [r["raw"] for r in await pool.fetch(
            "SELECT raw::text AS raw FROM outbox WHERE raw->>'consumer' = 'review-personal-data'")]
        assert any("NOT_UTF8" in letter for letter in letters)
        assert not any("not a record" in letter for letter in letters)  # described, never copied
    finally:
        await producer.stop()
        follower.stop()
        await asyncio.wait_for(task, 20)
