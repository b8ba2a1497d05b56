"""Topic names and message keys, defined once.

Every topic that carries event history keeps everything (retention.ms=-1): analytics teams and
auditors replay from offset 0. The key is always the application id, so all events of one
application land on one partition and keep their order.
"""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int = -1  # keep forever


def _prefix() -> str:
    # Tests run beside a live stack by giving every session its own prefix.
    return os.environ.get("ZC_TOPIC_PREFIX", "zc")


def _partitions() -> int:
    return int(os.environ.get("ZC_TOPIC_PARTITIONS", "6"))


def applications() -> str:
    return f"{_prefix()}.intake.applications.v1"


def eligibility() -> str:
    return f"{_prefix()}.eligibility.assessments.v1"


def review() -> str:
    return f"{_prefix()}.review.cases.v1"


def notifications() -> str:
    return f"{_prefix()}.notify.notifications.v1"


def dead_letter() -> str:
    return f"{_prefix()}.deadletter.v1"


def all_topics() -> list[TopicSpec]:
    n = _partitions()
    history = [TopicSpec(t, n) for t in (applications(), eligibility(), review(), notifications())]
    # Dead letters are kept 30 days: they are for operators, not for replay.
    return history + [TopicSpec(dead_letter(), 1, retention_ms=30 * 24 * 3600 * 1000)]

