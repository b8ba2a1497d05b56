"""The topics' settings: read where a topic is named, at each use (a test or a tool may name
another stack's prefix while it runs), from the variables below. The one place in contracts that
reads the environment (tests/unit/test_one_configuration_channel.py).

| variable | default | meaning |
|---|---|---|
| ZC_TOPIC_PREFIX | zc | prefix of every topic (tests use their own) |
| ZC_TOPIC_PARTITIONS | 6 | partitions of each topic created |
| ZC_PERSONAL_DATA_SEGMENT_MS / ZC_PERSONAL_DATA_DELETE_RETENTION_MS | 1 h / 1 day | the personal-data topics' compaction (contracts/topics.py says why); tests shrink them |
"""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class TopicSettings:
    prefix: str
    partitions: int
    personal_data_segment_ms: str | None
    personal_data_delete_retention_ms: str | None

    @classmethod
    def current(cls) -> TopicSettings:
        env = os.environ
        return cls(prefix=env.get("ZC_TOPIC_PREFIX", "zc"), partitions=int(env.get("ZC_TOPIC_PARTITIONS", "6")),
                   personal_data_segment_ms=env.get("ZC_PERSONAL_DATA_SEGMENT_MS"),
                   personal_data_delete_retention_ms=env.get("ZC_PERSONAL_DATA_DELETE_RETENTION_MS"))
