"""The current personal data of one person who filed (written by intake, on the applicants' topic
`topics.personal_data()`) or of a unit's authorised operator (written by review, on the operators'
topic `topics.operators_data()`): the value of a record on a compacted topic, keyed by
`<kind>:<ref>` (`record_key`): `applicant:<person_ref>` or `operator:<operator_ref>`. A record
without a value (a tombstone) means the person was erased: every reader deletes its copy.

Each topic has one writer (intake, review); readers refuse a record whose key kind is not their
topic's, so a writer of one kind can never forge the other (plumbing/edges/kafka_acls.py). The ID number is carried only in its displayed mask (`display_mask`):
no reader needs more, and the mask hides the birth date together with the check digit.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from contracts import limits as L

# Kafka never compacts the active segment, so after a tombstone intake writes one record under this
# key (not a person_ref) once the segment is due to roll: the erased record then leaves the log
# without waiting for the next filing. Readers skip it.
SEGMENT_ROLL_KEY = "~segment-roll"

APPLICANT, OPERATOR = "applicant", "operator"  # the two kinds of person, one topic each


def record_key(kind: str, ref: str) -> bytes:
    return f"{kind}:{ref}".encode()


def parse_key(key: bytes) -> tuple[str, str]:
    """(kind, ref) of a record key; kind "" when the key names none."""
    kind, sep, ref = key.decode("utf-8", "replace").partition(":")
    return (kind, ref) if sep else ("", kind)


ERASED_ZH = "（个人信息已删除）"
ERASED_EN = "(personal data erased)"
ERASED = f"{ERASED_ZH}{ERASED_EN}"


class PersonalRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    person_ref: str = Field(max_length=L.SHORT_TEXT_MAX_CHARS)
    name: str = Field(max_length=L.NAME_MAX_CHARS)
    phone: str = Field(max_length=L.SHORT_TEXT_MAX_CHARS)
    # "" for a unit's authorised operator (review writes their record: name and mobile only)
    id_number_masked: str = Field(default="", max_length=L.SHORT_TEXT_MAX_CHARS)
