"""The current personal data of one person who filed (written by intake) or of a unit's authorised
operator (written by review, keyed by `operator_ref`): the value of a record on the compacted
personal-data topic (`topics.personal_data()`), keyed by `person_ref`. A record without a value
(a tombstone) means the person was erased: every reader deletes its copy.

Only intake and review write it; only notify (SMS) and review (roster and public-notice exports) may read it
(plumbing/edges/kafka_acls.py). The ID number is carried only in its displayed mask (`display_mask`):
no reader needs more, and the mask hides the birth date together with the check digit.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from contracts import limits as L

# Kafka never compacts the active segment, so after a tombstone intake writes one record under this
# key (not a person_ref) once the segment is due to roll: the erased record then leaves the log
# without waiting for the next filing. Readers skip it.
SEGMENT_ROLL_KEY = "~segment-roll"

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
