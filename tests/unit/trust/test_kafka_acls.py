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
def test_each_service_writes_only_its_own_topic_and_the_dead_letter_topic(service):
    written = {a.resource_pattern.resource_name for a in service_acls(service) if a.operation.name == "WRITE"}
    # intake (applicants) and review (units' authorised operators) write personal data; no one else
    personal = {"intake": {topics.personal_data()}, "review": {topics.operators_data()}}.get(service, set())
    assert written == {owned_topic(service), topics.dead_letter()} | personal


def test_only_notify_and_review_may_read_applicants_records_and_only_notify_operators():
    def readers(topic: str) -> set[str]:
        return {s for s in SERVICES for a in service_acls(s)
                if a.operation.name == "READ" and a.resource_pattern.resource_name == topic}
    assert readers(topics.personal_data()) == {"notify", "review"}
    assert readers(topics.operators_data()) == {"notify"}
