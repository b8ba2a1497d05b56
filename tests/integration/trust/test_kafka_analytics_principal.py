"""The analytics principal (`zc analytics sink`) on the real broker: it may read the analysts' feed
in its own consumer group, and is refused everywhere else (other topics, other groups, any write)."""
from __future__ import annotations

import pytest
from aiokafka.errors import KafkaError

from contracts import topics
from plumbing.edges.kafka_acls import ANALYTICS, analytics_group
from plumbing.edges.topics_admin import ensure_topics
from tests.conftest import KAFKA
from tests.integration.trust.test_kafka_acls import _read_one, _write


@pytest.fixture(scope="module", autouse=True)
def acls_in_place():
    ensure_topics(KAFKA)


async def test_the_analytics_principal_reads_the_feed_in_its_own_group():
    await _write("review", topics.analytics_cases())  # review publishes it
    await _read_one(ANALYTICS, topics.analytics_cases(), analytics_group())


@pytest.mark.parametrize("topic", [topics.applications, topics.eligibility, topics.review, topics.notifications,
                                   topics.personal_data, topics.dead_letter])
async def test_the_analytics_principal_may_read_no_other_topic(topic):
    with pytest.raises(KafkaError):
        await _read_one(ANALYTICS, topic(), analytics_group())


async def test_the_analytics_principal_may_read_its_feed_in_no_other_group():
    with pytest.raises(KafkaError):
        await _read_one(ANALYTICS, topics.analytics_cases(), f"{topics._prefix()}-review-0")


@pytest.mark.parametrize("topic", [topics.analytics_cases, topics.review, topics.dead_letter])
async def test_the_analytics_principal_may_write_nothing(topic):
    with pytest.raises(KafkaError):
        await _write(ANALYTICS, topic())


@pytest.mark.parametrize("principal", ["intake", "eligibility", "notify"])
async def test_only_review_writes_the_feed(principal):
    with pytest.raises(KafkaError):
        await _write(principal, topics.analytics_cases())
