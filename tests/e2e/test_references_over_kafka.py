"""References between topics on the real broker: review opens a case only for an application it
has seen filed. An assessment that overtakes its filing waits for it; one that never gets its
filing (a phantom) is dead-lettered after ZC_REFERENCE_WAIT_SECONDS (the e2e stack: 10 s). Notify
waits the same way for review's events; intake, the origin of every application, dead-letters a
review event about one it never filed at once (notify's waits: tests/integration/notify)."""
from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from contracts import topics
from contracts.envelope import Actor, Envelope, Role
from plumbing.edges.kafka_security import TOOL_WRITER, client_kwargs
from plumbing.settings import with_database
from tests.conftest import DATABASE_URL, KAFKA
from tests.e2e.api import get_json
from tests.integration_support import read_topic

ROW = next(r for r in json.loads((Path(__file__).resolve().parents[1] / "fixtures/applicants.json")
                                 .read_text(encoding="utf-8")) if r["expected_outcome"] == "eligible")


def _envelope(event_type: str, stream_id: str, payload: dict) -> Envelope:
    now = datetime.now(UTC)
    return Envelope(event_type=event_type, stream_id=stream_id, stream_version=1, occurred_at=now, recorded_at=now,
                    actor=Actor(role=Role.APPLICANT, user="t"), correlation_id=uuid.uuid4(), payload=payload)


def _submitted(app_id: str) -> Envelope:
    return _envelope("ApplicationSubmitted", f"application-{app_id}",
                     {"application": {**ROW["application"], "application_id": app_id}})


async def _publish(topic: str, envelope: Envelope, key: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks="all", **client_kwargs(TOOL_WRITER))
    await producer.start()
    try:
        await producer.send_and_wait(topic, envelope.model_dump_json().encode(), key=key.encode())
    finally:
        await producer.stop()


async def _a_real_assessment(app_id: str) -> dict:
    await _publish(topics.applications(), _submitted(app_id), app_id)
    records = await read_topic(topics.eligibility(), timeout=60,
                               done=lambda rs: any(v["payload"]["application_id"] == app_id for _, v, _ in rs))
    return next(v for _, v, _ in records if v["payload"]["application_id"] == app_id)


def _assessment_of(template: dict, app_id: str) -> Envelope:
    payload = {**template["payload"], "application_id": app_id}
    return _envelope("EligibilityAssessed", f"eligibility-{app_id}", payload)


async def test_an_assessment_that_overtakes_its_filing_waits_for_it_and_opens_the_case(stack, eventually):
    template = await _a_real_assessment(str(uuid.uuid4()))
    late = str(uuid.uuid4())
    await _publish(topics.eligibility(), _assessment_of(template, late), late)
    await asyncio.sleep(3)  # review has the assessment, not the filing
    await _publish(topics.applications(), _submitted(late), late)
    async with httpx.AsyncClient(timeout=30) as client:
        case = await eventually(lambda: get_json(client, f"{stack.url('review')}/cases/{late}"), timeout=60)
    assert case["case"]["stage"] == "at_unit"


async def test_an_assessment_of_an_application_never_filed_is_dead_lettered_and_opens_no_case(stack, eventually):
    template = await _a_real_assessment(str(uuid.uuid4()))
    phantom = str(uuid.uuid4())
    await _publish(topics.eligibility(), _assessment_of(template, phantom), phantom)
    # A dead letter describes the record (its key, length, hash, a preview), never carries it.
    def by_service(records) -> dict[str, dict]:
        return {v["consumer"].split("-")[0]: v for _, v, _ in records if v.get("key") == phantom}

    records = await read_topic(topics.dead_letter(), timeout=90, done=lambda rs: len(by_service(rs)) == 2)
    dead = by_service(records)
    assert sorted(dead) == ["notify", "review"]  # both waited for a filing, then gave up
    assert all("ReferenceNotYetKnown" in letter["error"] for letter in dead.values())
    async with httpx.AsyncClient(timeout=30) as client:
        assert await get_json(client, f"{stack.url('review')}/cases/{phantom}") is None


async def test_a_returned_for_an_application_intake_never_filed_is_dead_lettered_by_intake_and_notify_and_changes_nothing(
        stack):
    phantom = str(uuid.uuid4())
    returned = _envelope("Returned", f"case-{phantom}", {"application_id": phantom, "level": "unit",
                                                        "reason": "论文扫描件不清晰"})
    await _publish(topics.review(), returned, phantom)

    def by_consumer(records) -> dict[str, dict]:
        return {v["consumer"]: v for _, v, _ in records if v.get("key") == phantom}

    records = await read_topic(topics.dead_letter(), timeout=90, done=lambda rs: len(by_consumer(rs)) == 2)
    dead = by_consumer(records)
    assert sorted(dead) == ["intake-0", "notify-0"]
    assert dead["intake-0"]["error"].startswith("PhantomReference")  # nothing to wait for: intake files them all
    assert "ReferenceNotYetKnown" in dead["notify-0"]["error"]  # waited its 10 s for a filing first
    conn = await asyncpg.connect(with_database(DATABASE_URL, stack.databases["intake"]))
    try:
        assert await conn.fetchval("SELECT count(*) FROM open_returns WHERE application_id = $1",
                                   uuid.UUID(phantom)) == 0
        assert await conn.fetchval("SELECT count(*) FROM events WHERE stream_id = $1", f"application-{phantom}") == 0
    finally:
        await conn.close()
    async with httpx.AsyncClient(timeout=30) as client:
        status = await get_json(client, f"{stack.url('notify')}/notifications/{phantom}")
    assert status["deliveries"] == [] and status["failures"] == []
