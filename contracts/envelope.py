"""The one envelope every event travels in, on Kafka and in every event store."""
from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    APPLICANT = "applicant"
    UNIT = "unit"
    CONSTRUCTION_AUTHORITY = "construction_authority"
    HR_BUREAU = "hr_bureau"
    CITY_HR_BUREAU = "city_hr_bureau"
    AUDITOR = "auditor"
    SYSTEM = "system"


class Actor(BaseModel):
    """Who caused an event: a role, the organisation acting, and the user within it."""

    # `user` is the opaque account id the token's issuer gave the person (its `uid` claim), never a
    # display name: events are kept for ever, names live only in review's erasable staff directory.

    model_config = ConfigDict(frozen=True)

    role: Role
    organisation: str = ""
    user: str = ""


SYSTEM_ACTOR = Actor(role=Role.SYSTEM, organisation="zhicheng", user="system")


class Envelope(BaseModel):
    """Metadata plus payload. `payload` is the JSON form of the model named by event_type.

    Contracts evolve only by adding optional fields or a new schema_version, so consumers
    ignore fields they do not know (extra="ignore").
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    event_type: str
    schema_version: int = 1
    stream_id: str
    stream_version: int = Field(ge=1)
    occurred_at: datetime
    recorded_at: datetime
    actor: Actor
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None = None
    payload: dict[str, Any]

    def canonical_json(self) -> str:
        """The byte-stable form that the hash chain covers (sorted keys, no spaces, UTF-8)."""
        import json

        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
