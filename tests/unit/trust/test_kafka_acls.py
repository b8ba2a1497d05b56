"""The ACL table says what each service reads: it must match what each service subscribes to."""
import importlib

import pytest

from contracts import topics
from plumbing.edges.kafka_acls import consumed_topics, owned_topic, service_acls
from plumbing.edges.kafka_security import SERVICES
from plumbing.settings import ServiceSettings


def _subscribed(service: str) -> set[str]:
    module = importlib.import_module(f"services.{service}.bootstrap")
    if service == "notify":
        from services.notify.settings import NotifySettings
        app = module.create_app(NotifySettings())
    else:
        app = module.create_app(ServiceSettings(service=service))
    return {t for sub in app.state.runtime.subscriptions for t in sub.topics}


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_may_read_exactly_what_it_subscribes_to(service):
    assert consumed_topics(service) == _subscribed(service)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_writes_only_its_own_topic_the_dead_letter_and_the_audit_topic(service):
    written = {a.resource_pattern.resource_name for a in service_acls(service) if a.operation.name == "WRITE"}
    # intake (applicants) and review (units' authorised operators) write personal data; no one else
    personal = {"intake": {topics.personal_data()}, "review": {topics.operators_data()}}.get(service, set())
    analysts = {topics.analytics_cases()} if service == "review" else set()  # review publishes the analysts' feed
    assert written == {owned_topic(service), topics.dead_letter(), topics.audit()} | personal | analysts


def test_the_analytics_principal_may_read_its_feed_in_its_own_group_and_nothing_else():
    from plumbing.edges.kafka_acls import ANALYTICS, analytics_acls, analytics_group

    granted = {(a.principal, a.operation.name, a.resource_pattern.resource_type.name,
                a.resource_pattern.resource_name, a.resource_pattern.pattern_type.name) for a in analytics_acls()}
    user = f"User:{ANALYTICS}"
    assert granted == {(user, "READ", "TOPIC", topics.analytics_cases(), "LITERAL"),
                       (user, "DESCRIBE", "TOPIC", topics.analytics_cases(), "LITERAL"),
                       (user, "READ", "GROUP", analytics_group(), "LITERAL")}


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_may_only_append_to_the_audit_topic_never_delete_or_reconfigure_it(service):
    on_audit = {a.operation.name for a in service_acls(service) if a.resource_pattern.resource_name == topics.audit()}
    assert on_audit == {"WRITE", "DESCRIBE"}


def test_the_audit_topic_is_never_compacted_and_kept_for_ever():
    spec = next(t for t in topics.all_topics() if t.name == topics.audit())
    assert spec.topic_configs() == {"retention.ms": "-1", "cleanup.policy": "delete"}
    assert spec.partitions == 1  # one order for every service's links and checkpoints


def test_the_auditor_reads_the_audit_and_event_topics_and_never_personal_data():
    from plumbing.edges.kafka_acls import auditor_acls

    read = {a.resource_pattern.resource_name for a in auditor_acls() if a.operation.name == "READ"}
    assert topics.audit() in read and not {topics.personal_data(), topics.operators_data()} & read
    assert {a.operation.name for a in auditor_acls()} == {"READ", "DESCRIBE"}


def test_only_notify_and_review_may_read_applicants_records_and_only_notify_operators():
    def readers(topic: str) -> set[str]:
        return {s for s in SERVICES for a in service_acls(s)
                if a.operation.name == "READ" and a.resource_pattern.resource_name == topic}
    assert readers(topics.personal_data()) == {"notify", "review"}
    assert readers(topics.operators_data()) == {"notify"}
