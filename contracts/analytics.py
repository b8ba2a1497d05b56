"""The analysts' feed (`<prefix>.analytics.cases.v1`): one message per state change of an application.

Review publishes it (it sees every application from filing to committee) through its own outbox, in
the transaction of the event that caused the change; the Kafka key is the message's `case_key`, so
one application's changes stay in order on one partition. A message names nobody: the application
and the applicant are pseudonymous keys (HMAC with review's analytics key, never the person_ref key,
so they cannot be reversed or joined to the services' topics without that key), and it carries no
name, ID number, birth date, phone or free text (opinions, reasons and findings stay in review).
Reasons are codes. `ARCHITECTURE.md` ("The analysts' feed") lists its quasi-identifiers.

Versions: a message says its `schema_version`; `read` upgrades an older one to `CaseChange`, so
a sink written today reads every message ever published. v1 had no `level`; v2 adds it (the level
that acts after the change), derived from the stage when a v1 message is read.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

MESSAGE_TYPE = "CaseChange"

# The review level that acts at each stage (review's domain says the same in its own terms; a
# stage with no level here is one where no reviewer acts: returned, closed, forwarded).
LEVEL_OF_STAGE: dict[str, str] = {
    "at_unit": "unit", "awaiting_notice": "unit", "public_notice": "unit",
    "at_construction_authority": "construction_authority",
    "at_hr_bureau": "hr_bureau", "interview_pending": "hr_bureau", "awaiting_recommendation": "hr_bureau",
    "at_city": "city_hr_bureau",
}


class CaseChangeV1(BaseModel):
    """One state change of one application, as the analysts' feed carries it (v1)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    schema_version: ClassVar[int] = 1

    message_id: uuid.UUID = Field(description="the id of the event that caused the change: a sink drops repeats")
    case_key: str = Field(description="the application, pseudonymous (HMAC with review's analytics key); the Kafka key")
    applicant_key: str = Field(description="the applicant, pseudonymous (HMAC with review's analytics key)")
    sequence: int = Field(ge=1, description="the change's place in the application's history")
    plan_id: str
    plan_version: str
    city: str
    area: str = Field(description="the plan's area code of the applicant's unit, e.g. keqiao")
    unit_kind: str
    specialty: str
    route_declared: str
    route_used: str | None = Field(description="the qualifying route the review rests on; null if none qualified")
    revision: int = Field(ge=1, description="1 for the first filing, then one more per resubmission")
    change: str = Field(description="what happened: the review event's type, e.g. UnitApproved")
    from_stage: str | None = Field(description="the stage the change was made at; null when the case opened")
    stage: str = Field(description="the stage after the change")
    outcome: str = Field(description="opened, reopened, passed, not_passed, returned, recommended, forwarded, "
                                     "overdue, closed, interview_passed, interview_failed, notice_started, "
                                     "notice_completed, objection, objection_upheld, objection_dismissed, "
                                     "interview_scheduled, fee_option_set, fee_requested, fee_paid")
    reason_codes: list[str] = Field(description="codes only: returned sections, the closing status, the missed deadline")
    eligibility_outcome: str
    failing_rules: list[str] = Field(description="the codes of the eligibility rules the current revision fails")
    season_time: datetime = Field(description="when it happened, on the season's clock")
    recorded_time: datetime = Field(description="when review recorded it (real time)")

    def to_message(self) -> bytes:
        body = {"schema_version": type(self).schema_version, **self.model_dump(mode="json")}
        return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


class CaseChange(CaseChangeV1):
    """v2: the level that acts after the change (null where no reviewer acts)."""

    schema_version: ClassVar[int] = 2
    level: str | None = Field(default=None, description="the review level that acts after the change")


VERSIONS: dict[int, type[CaseChangeV1]] = {1: CaseChangeV1, 2: CaseChange}


def _v1_to_v2(body: dict) -> dict:
    return {**body, "level": LEVEL_OF_STAGE.get(body.get("stage", ""))}


UPCASTERS = {1: _v1_to_v2}


class UnknownMessageVersion(ValueError):
    pass


def read(value: bytes) -> CaseChange:
    """A feed message of any released version, as the current model."""
    body = json.loads(value)
    version = body.get("schema_version")
    if version not in VERSIONS:
        raise UnknownMessageVersion(f"CaseChange version {version!r} is unknown here (known: {sorted(VERSIONS)})")
    for v in range(version, CaseChange.schema_version):
        body = UPCASTERS[v](body)
    return CaseChange.model_validate(body)
