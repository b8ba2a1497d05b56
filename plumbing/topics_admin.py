"""Explicit topic creation (kafka-python admin): partitions and retention from contracts.topics."""
from __future__ import annotations

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from contracts.topics import all_topics


def ensure_topics(bootstrap: str) -> list[str]:
    """Create every missing topic; returns the names created. Safe to run again."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="zc-topics")
    try:
        existing = set(admin.list_topics())
        wanted = [t for t in all_topics() if t.name not in existing]
        created = []
        for spec in wanted:
            topic = NewTopic(spec.name, num_partitions=spec.partitions, replication_factor=1,
                             topic_configs={"retention.ms": str(spec.retention_ms)})
            try:
                admin.create_topics([topic])
                created.append(spec.name)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        admin.close()


if __name__ == "__main__":
    import sys

    from plumbing.settings import kafka_bootstrap

    names = ensure_topics(kafka_bootstrap())
    print(f"[topics] created {len(names)}: {', '.join(names) or '-'}", file=sys.stderr)
