"""The HTTP request bodies of intake: what an applicant sends (full ID number, photo bytes)."""
from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class ApplicantIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(max_length=30, description="18-character resident ID number; never stored in events")
    phone: str = Field(max_length=30)


class SubmitRequest(BaseModel):
    """Every field of contracts.application.Application except the ones intake derives
    (applicant's masked ID and person_ref, photo measurements, revision, submitted_at)."""

    model_config = ConfigDict(extra="allow")

    application_id: uuid.UUID | None = None
    applicant: ApplicantIn
    photo_base64: str | None = Field(default=None, description="the ID photo, JPEG, base64")


class WithdrawRequest(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)  # "   " is no reason

    reason: str = Field(min_length=1, max_length=500)
