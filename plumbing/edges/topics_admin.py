"""Explicit topic creation (kafka-python admin): partitions and retention from contracts.topics,
then the SCRAM users and ACLs of this prefix (plumbing/edges/kafka_acls.py). Runs as `admin`."""
from __future__ import annotations

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from contracts.topics import all_topics
from plumbing.edges.kafka_acls import ensure_principals
from plumbing.edges.kafka_security import ADMIN, client_kwargs


def admin_client(bootstrap: str) -> KafkaAdminClient:
    return KafkaAdminClient(bootstrap_servers=bootstrap, client_id="zc-topics", **client_kwargs(ADMIN))


def ensure_topics(bootstrap: str, *, tools: bool = True, prefix: str | None = None) -> list[str]:
    """Create every missing topic and grant its ACLs; returns the names created. Safe to run again.
    `tools`: also let the tool principals (tests, operators' tools) write and read this prefix.
    `prefix`: another stack's topics (default: this process's own)."""
    admin = admin_client(bootstrap)
    try:
        existing = set(admin.list_topics())
        wanted = [t for t in all_topics(prefix) if t.name not in existing]
        created = []
        for spec in wanted:
            topic = NewTopic(spec.name, num_partitions=spec.partitions, replication_factor=1,
                             topic_configs=spec.topic_configs())
            try:
                admin.create_topics([topic])
                created.append(spec.name)
            except TopicAlreadyExistsError:
                pass
        if client_kwargs(ADMIN):  # a broker without authentication has no users or ACLs to manage
            ensure_principals(admin, tools=tools, prefix=prefix)
        return created
    finally:
        admin.close()


if __name__ == "__main__":
    import sys

    from plumbing.settings import KafkaLogin, kafka_bootstrap

    names = ensure_topics(kafka_bootstrap(), tools=KafkaLogin.current().kafka_tools)
    print(f"[topics] created {len(names)}: {', '.join(names) or '-'}; users and ACLs in place", file=sys.stderr)
