"""Who may write and read which topic: SCRAM users and ACLs, applied by the `admin` principal.

One principal per service. Each writes only its own topic (and the dead-letter topic, where every
service sets aside what it cannot process) and reads only what it consumes, in consumer groups
named `<prefix>-<service>-<n>` (plumbing/runtime.py). Tool principals exist for tests and operators'
tools: `tool-writer` may write any topic of the prefix (poison records, forged upstream events in
tests), `tool-reader` may read any topic of the prefix in groups named `tool-*`. `make up` grants
the tool principals nothing on the live prefix unless ZC_KAFKA_TOOLS=1.
"""
from __future__ import annotations

import time

from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType, KafkaAdminClient,
                         ResourcePattern, ResourcePatternFilter, ResourceType, ScramMechanism,
                         UserScramCredentialUpsertion)

from contracts import topics
from plumbing.edges.kafka_security import AUDITOR, MECHANISM, SERVICES, TOOL_READER, TOOL_WRITER, ensure_credentials


def owned_topic(service: str, prefix: str | None = None) -> str:
    return {"intake": topics.applications, "eligibility": topics.eligibility, "review": topics.review,
            "notify": topics.notifications}[service](prefix)


def consumed_topics(service: str, prefix: str | None = None) -> set[str]:
    """What each service subscribes to (checked against the bootstraps by a unit test)."""
    consumed = {"intake": (topics.review,), "eligibility": (topics.applications,),
                "review": (topics.eligibility, topics.applications),
                "notify": (topics.applications, topics.eligibility, topics.review)}[service]
    return {name(prefix) for name in consumed}


def _acl(user: str, op: ACLOperation, kind: ResourceType, name: str,
         pattern: ACLResourcePatternType = ACLResourcePatternType.LITERAL) -> ACL:
    return ACL(f"User:{user}", "*", op, ACLPermissionType.ALLOW, ResourcePattern(kind, name, pattern))


def _writes(user: str, topic: str, pattern=ACLResourcePatternType.LITERAL) -> list[ACL]:
    return [_acl(user, op, ResourceType.TOPIC, topic, pattern) for op in (ACLOperation.WRITE, ACLOperation.DESCRIBE)]


def _reads(user: str, topic: str, pattern=ACLResourcePatternType.LITERAL) -> list[ACL]:
    return [_acl(user, op, ResourceType.TOPIC, topic, pattern) for op in (ACLOperation.READ, ACLOperation.DESCRIBE)]


# The compacted personal-data topics, one per kind of person and each with one writer: intake writes
# applicants' records, review its authorised unit operators'. Only the services that print or send
# personal data read them (notify: SMS to both; review: roster and public-notice exports, applicants
# only). Eligibility never. Readers also refuse a record whose key kind is not their topic's.
PERSONAL_TOPICS = {  # kind -> (writer, readers)
    "applicant": ("intake", ("notify", "review")),
    "operator": ("review", ("notify",)),
}


def personal_data_acls(service: str, prefix: str | None = None) -> list[ACL]:
    acls: list[ACL] = []
    for kind, (writer, readers) in PERSONAL_TOPICS.items():
        topic = topics.personal_topic(kind, prefix)
        acls += _writes(service, topic) if service == writer else []
        acls += _reads(service, topic) if service in readers else []
    return acls


# The analysts' feed: review writes it (contracts/analytics.py); the `analytics` principal (`zc
# analytics sink`) may read it in its own consumer group and nothing else, not even describe another topic.
ANALYTICS = "analytics"


def analytics_group(prefix: str | None = None) -> str:
    return f"{topics._prefix(prefix)}-analytics-sink"


def analytics_acls(prefix: str | None = None) -> list[ACL]:
    return (_reads(ANALYTICS, topics.analytics_cases(prefix))
            + [_acl(ANALYTICS, ACLOperation.READ, ResourceType.GROUP, analytics_group(prefix))])


def audit_acls(service: str, prefix: str | None = None) -> list[ACL]:
    """A service may append to the audit topic and nothing more: no DELETE (records), ALTER or
    ALTER_CONFIGS (retention, compaction), so what it witnessed stays witnessed."""
    return _writes(service, topics.audit(prefix))


def auditor_acls(prefix: str | None = None) -> list[ACL]:
    """`zc audit` reads what the services witnessed and the event topics (replays), no personal data."""
    acls = []
    for topic in (topics.audit, topics.applications, topics.eligibility, topics.review, topics.notifications):
        acls += _reads(AUDITOR, topic(prefix))
    return acls


def service_acls(service: str, prefix: str | None = None) -> list[ACL]:
    acls = _writes(service, owned_topic(service, prefix)) + _writes(service, topics.dead_letter(prefix))
    acls += audit_acls(service, prefix)
    acls += personal_data_acls(service, prefix)
    if service == "review":
        acls += _writes(service, topics.analytics_cases(prefix))
    for topic in sorted(consumed_topics(service, prefix)):
        acls += _reads(service, topic)
    acls.append(_acl(service, ACLOperation.READ, ResourceType.GROUP, f"{topics._prefix(prefix)}-{service}-",
                     ACLResourcePatternType.PREFIXED))
    # The relay's producer is idempotent (no duplicates from its own retries).
    acls.append(_acl(service, ACLOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, "kafka-cluster"))
    return acls


def tool_acls(prefix: str | None = None) -> list[ACL]:
    prefixed = ACLResourcePatternType.PREFIXED
    return (_writes(TOOL_WRITER, f"{topics._prefix(prefix)}.", prefixed)
            + [_acl(TOOL_WRITER, ACLOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, "kafka-cluster")]
            + _reads(TOOL_READER, f"{topics._prefix(prefix)}.", prefixed)
            + [_acl(TOOL_READER, ACLOperation.READ, ResourceType.GROUP, "tool-", prefixed)])


def ensure_principals(admin: KafkaAdminClient, *, tools: bool, prefix: str | None = None) -> None:
    """Create the missing SCRAM users and grant this prefix's ACLs (both idempotent)."""
    names = SERVICES + (ANALYTICS, TOOL_WRITER, TOOL_READER, AUDITOR)
    passwords = ensure_credentials(names)
    existing = {user for user, info in admin.describe_user_scram_credentials().items() if not info["error"]}
    missing = [UserScramCredentialUpsertion(n, ScramMechanism[MECHANISM.replace("-", "_")], passwords[n])
               for n in names if n not in existing]
    if missing:
        failed = {u: e for u, e in admin.alter_user_scram_credentials(missing).items() if e}
        if failed:
            raise RuntimeError(f"could not create Kafka users: {failed}")
    acls = [acl for service in SERVICES for acl in service_acls(service, prefix)] + analytics_acls(prefix)
    acls += auditor_acls(prefix)
    acls += tool_acls(prefix) if tools else []
    result = admin.create_acls(acls)
    if result.get("failed"):
        raise RuntimeError(f"could not create Kafka ACLs: {result['failed']}")
    _wait_until_visible(admin, acls)


def _key(acl: ACL) -> tuple:
    pattern = acl.resource_pattern
    return (acl.principal, acl.operation, pattern.resource_type, pattern.resource_name, pattern.pattern_type)


def _wait_until_visible(admin: KafkaAdminClient, acls: list[ACL], timeout: float = 30) -> None:
    """ACLs reach the broker's authorizer through the metadata log, a moment after create_acls
    returns; a client that writes at once can be refused. Wait until the authorizer lists them."""
    everything = ACLFilter(None, None, ACLOperation.ANY, ACLPermissionType.ANY,
                           ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY))
    wanted = {_key(a) for a in acls}
    deadline = time.monotonic() + timeout
    while True:
        found, _error = admin.describe_acls(everything)
        if wanted <= {_key(a) for a in found} or time.monotonic() > deadline:
            return
        time.sleep(0.2)
