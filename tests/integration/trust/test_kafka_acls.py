"""Kafka is a trust boundary: SASL/SCRAM principals and ACLs on the real broker."""
from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError

from contracts import topics
from plumbing.edges.kafka_security import TOOL_READER, TOOL_WRITER, client_kwargs
from plumbing.edges.topics_admin import ensure_topics
from tests.conftest import KAFKA


@pytest.fixture(scope="module", autouse=True)
def acls_in_place():
    ensure_topics(KAFKA)


async def _write(principal: str | None, topic: str, *, authenticated: bool = True) -> None:
    kwargs = client_kwargs(principal) if authenticated else {}
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, request_timeout_ms=5000, **kwargs)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"{}", key=uuid.uuid4().bytes)
    finally:
        await producer.stop()


async def test_a_service_writes_its_own_topic_and_the_dead_letter_topic():
    await _write("intake", topics.applications())
    await _write("intake", topics.dead_letter())
    await _write("review", topics.operators_data())  # units' authorised operators' contacts


@pytest.mark.parametrize("principal, topic", [
    ("intake", topics.eligibility), ("eligibility", topics.review), ("review", topics.applications),
    ("notify", topics.eligibility), (TOOL_READER, topics.applications),
    # only intake writes applicants' records, only review units' operators'
    ("eligibility", topics.personal_data), ("notify", topics.personal_data), ("review", topics.personal_data),
    ("eligibility", topics.operators_data), ("notify", topics.operators_data), ("intake", topics.operators_data)])
async def test_a_write_by_the_wrong_principal_is_refused(principal, topic):
    with pytest.raises(KafkaError):
        await _write(principal, topic())


async def test_a_client_without_credentials_cannot_write():
    with pytest.raises(KafkaError):
        await _write(None, topics.applications(), authenticated=False)


async def test_the_poison_writer_tool_may_write_any_topic_of_its_prefix():
    await _write(TOOL_WRITER, topics.eligibility())


async def _read_one(principal: str, topic: str, group: str) -> None:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=KAFKA, group_id=group, auto_offset_reset="earliest",
                                enable_auto_commit=False, request_timeout_ms=5000, **client_kwargs(principal))
    await consumer.start()
    try:
        await consumer.getmany(timeout_ms=3000)
        await consumer.getmany(timeout_ms=1000)
    finally:
        await consumer.stop()


async def test_a_service_reads_what_it_consumes_in_its_own_group():
    await _read_one("eligibility", topics.applications(), f"{topics._prefix()}-eligibility-0")


async def test_intake_writes_personal_data_and_only_notify_and_review_read_it():
    await _write("intake", topics.personal_data())
    for reader in ("notify", "review"):
        await _read_one(reader, topics.personal_data(), f"{topics._prefix()}-{reader}-personal-data-acl-test")


@pytest.mark.parametrize("principal, topic, group", [
    ("eligibility", topics.personal_data, "{p}-eligibility-0"),  # eligibility never sees a name or phone
    ("intake", topics.personal_data, "{p}-intake-0"),             # the writer does not read it back
    ("eligibility", topics.review, "{p}-eligibility-0"),       # a topic it does not consume
    ("intake", topics.review, "{p}-review-0"),                  # another service's group
    (TOOL_READER, topics.applications, "{p}-eligibility-0")])   # tools cannot join services' groups
async def test_a_read_outside_the_principals_topics_or_groups_is_refused(principal, topic, group):
    with pytest.raises(KafkaError):
        await _read_one(principal, topic(), group.format(p=topics._prefix()))


async def test_the_topic_reader_tool_reads_in_a_tool_group():
    await _read_one(TOOL_READER, topics.review(), f"tool-{uuid.uuid4().hex[:6]}")


async def test_reviews_principal_producing_to_the_applicants_topic_gets_topic_authorization_failed():
    """Review writes units' operators' records only: it can never forge an applicant's."""
    with pytest.raises(TopicAuthorizationFailedError):
        await _write("review", topics.personal_data())
    with pytest.raises(TopicAuthorizationFailedError):
        await _write("intake", topics.operators_data())


def _as(principal: str):
    from kafka.admin import KafkaAdminClient

    return KafkaAdminClient(bootstrap_servers=KAFKA, request_timeout_ms=5000, **client_kwargs(principal))


async def test_a_service_appends_to_the_audit_topic_but_cannot_delete_its_records_reconfigure_or_remove_it():
    from kafka.admin import ConfigResource, ConfigResourceType
    from kafka.structs import TopicPartition

    from kafka.errors import KafkaError as AdminError

    await _write("intake", topics.audit())
    admin = _as("intake")
    try:
        refused = []
        for attempt in (lambda: admin.delete_records({TopicPartition(topics.audit(), 0): 1}),
                        lambda: admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topics.audit(),
                                                                    configs={"retention.ms": "1"})],
                                                    raise_on_unknown=False, incremental=True),
                        lambda: admin.delete_topics([topics.audit()])):
            try:
                result = attempt()
            except AdminError as exc:
                refused.append(type(exc).__name__)
            else:
                refused.append(_error_in(result))
        assert refused == ["TopicAuthorizationFailedError"] * 3, refused
    finally:
        admin.close()
    described = _as("admin")
    try:
        configs = described.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topics.audit())])
        assert "retention.ms" in str(configs) and "-1" in str(configs)
    finally:
        described.close()


def _error_in(result) -> str:
    """kafka-python returns some refusals inside its response instead of raising: name them."""
    return "TopicAuthorizationFailedError" if "TopicAuthorizationFailedError" in repr(result) else ""
