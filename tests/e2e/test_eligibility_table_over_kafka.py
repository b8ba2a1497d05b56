"""The applicants table through the running eligibility service: ApplicationSubmitted in on the
applications topic, EligibilityAssessed out on the assessments topic, over the real broker."""
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaProducer

from contracts import topics
from contracts.envelope import Actor, Envelope, Role
from plumbing.edges.kafka_security import TOOL_WRITER, client_kwargs
from tests.conftest import KAFKA
from tests.integration_support import read_topic

TABLE = json.loads((Path(__file__).resolve().parents[1] / "fixtures/applicants.json").read_text(encoding="utf-8"))


def _submitted(row: dict) -> tuple[bytes, Envelope]:
    application = {**row["application"], "application_id": str(uuid.uuid4())}
    now = datetime.now(UTC)
    env = Envelope(event_type="ApplicationSubmitted", stream_id=f"application-{application['application_id']}",
                   stream_version=1, occurred_at=now, recorded_at=now, actor=Actor(role=Role.APPLICANT, user="t"),
                   correlation_id=uuid.uuid4(), payload={"application": application})
    return application["application_id"].encode(), env


async def test_every_applicant_of_the_table_is_assessed_by_the_running_service_as_expected(stack):
    expected, producer = {}, AIOKafkaProducer(bootstrap_servers=KAFKA, acks="all", **client_kwargs(TOOL_WRITER))
    await producer.start()
    try:
        for row in TABLE:
            key, env = _submitted(row)
            expected[key.decode()] = row
            await producer.send_and_wait(topics.applications(), env.model_dump_json().encode(), key=key)
    finally:
        await producer.stop()
    def all_in(records) -> bool:
        return len({v["payload"]["application_id"] for _, v, _ in records} & expected.keys()) == len(expected)

    records = await read_topic(topics.eligibility(), timeout=60, done=all_in)
    assessed = {v["payload"]["application_id"]: v for _, v, _ in records if v["payload"]["application_id"] in expected}
    assert len(assessed) == len(TABLE)
    for app_id, row in expected.items():
        payload = assessed[app_id]["payload"]
        failing = sorted(r["code"] for r in payload["rules"] if not r["passed"])
        assert (payload["outcome"], failing) == (row["expected_outcome"], row["expected_failing_codes"]), row["name"]
        assert all(r["message_zh"] and r["message_en"] for r in payload["rules"])
        assert payload["plan_version"] == "2020.1"
