"""Topic names and message keys, defined once.

A name is made of the stack's prefix (`ZC_TOPIC_PREFIX`, "zc" by default: tests run beside a live
stack with a prefix of their own) and the topic. Code that names another stack's topics passes
its prefix as a value (`applications(prefix)`); nothing rewrites the environment to do it.

Every topic that carries event history keeps everything (retention.ms=-1): analytics teams and
auditors replay from offset 0. The key is always the application id, so all events of one
application land on one partition and keep their order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from contracts.settings import TopicSettings


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int = -1  # keep forever
    configs: dict[str, str] = field(default_factory=dict)  # more topic configs (compaction)

    def topic_configs(self) -> dict[str, str]:
        return {"retention.ms": str(self.retention_ms), **self.configs}


def _prefix(prefix: str | None = None) -> str:
    """`prefix` when given, else this process's own (the stack it belongs to)."""
    return prefix or TopicSettings.current().prefix


def _partitions() -> int:
    return TopicSettings.current().partitions


def applications(prefix: str | None = None) -> str:
    return f"{_prefix(prefix)}.intake.applications.v1"


def eligibility(prefix: str | None = None) -> str:
    return f"{_prefix(prefix)}.eligibility.assessments.v1"


def review(prefix: str | None = None) -> str:
    return f"{_prefix(prefix)}.review.cases.v1"


def notifications(prefix: str | None = None) -> str:
    return f"{_prefix(prefix)}.notify.notifications.v1"


def analytics_cases(prefix: str | None = None) -> str:
    """The analysts' feed (contracts/analytics.py): written by review, read by the analytics principal."""
    return f"{_prefix(prefix)}.analytics.cases.v1"


def dead_letter(prefix: str | None = None) -> str:
    return f"{_prefix(prefix)}.deadletter.v1"


def personal_data(prefix: str | None = None) -> str:
    """The current personal data of each person who filed (applicants), keyed by `applicant:<person_ref>`
    (not an application id: one person, one record). Compacted, never replayed as history. Only
    intake writes it."""
    return f"{_prefix(prefix)}.intake.personal-data.v1"


def operators_data(prefix: str | None = None) -> str:
    """Units' authorised operators' contacts, keyed by `operator:<operator_ref>`. Compacted; only
    review writes it, only notify reads it."""
    return f"{_prefix(prefix)}.review.operators.v1"


def personal_topic(kind: str, prefix: str | None = None) -> str:
    """The compacted topic of one kind of person (contracts/personal_record.py: applicant, operator)."""
    return {"applicant": personal_data, "operator": operators_data}[kind](prefix)


# How long an erased person's record can stay in the log after its tombstone (ARCHITECTURE.md
# "Personal data"): the active segment rolls after segment.ms, the cleaner compacts a rolled
# segment as soon as 1% of the log is dirty (in practice every tombstone), its check runs every
# log.cleaner.backoff.ms (15 s), and the tombstone itself is removed delete.retention.ms after that
# compaction (long enough for a consumer that was down to read it). Bound for the record:
# segment.ms + cleaner backoff + one cleaning pass, i.e. about one hour; for the tombstone, one day more.
PERSONAL_DATA_SEGMENT_MS = 3_600_000
PERSONAL_DATA_DELETE_RETENTION_MS = 86_400_000


def personal_data_configs() -> dict[str, str]:
    # Tests shrink the segment (ZC_PERSONAL_DATA_SEGMENT_MS) to watch compaction happen.
    given = TopicSettings.current()
    segment_ms = given.personal_data_segment_ms or str(PERSONAL_DATA_SEGMENT_MS)
    return {"cleanup.policy": "compact", "segment.ms": segment_ms, "min.cleanable.dirty.ratio": "0.01",
            "delete.retention.ms": given.personal_data_delete_retention_ms or str(PERSONAL_DATA_DELETE_RETENTION_MS),
            "min.compaction.lag.ms": "0"}


def audit(prefix: str | None = None) -> str:
    """What every service witnesses about its own log (links, signed checkpoints, reads of personal
    data): one partition, never compacted, kept for ever (plumbing/core/witness.py)."""
    return f"{_prefix(prefix)}.audit.v1"


def audit_spec(prefix: str | None = None) -> TopicSpec:
    return TopicSpec(audit(prefix), 1, configs={"cleanup.policy": "delete"})


def all_topics(prefix: str | None = None) -> list[TopicSpec]:
    n = _partitions()
    history = [TopicSpec(t(prefix), n) for t in (applications, eligibility, review, notifications)]
    history.append(TopicSpec(analytics_cases(prefix), n))  # kept for ever like the event topics: analysts replay it
    personal = [TopicSpec(t(prefix), n, configs=personal_data_configs()) for t in (personal_data, operators_data)]
    # Dead letters are kept 30 days: they are for operators, not for replay.
    return history + personal + [TopicSpec(dead_letter(prefix), 1, retention_ms=30 * 24 * 3600 * 1000),
                                 audit_spec(prefix)]

