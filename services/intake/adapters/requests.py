"""The HTTP request bodies of intake: what an applicant sends (full ID number, photo bytes).

Strict at the door (plumbing/edges/inputs.py): unknown fields anywhere are a 422 naming them, codes are
NFKC-normalised, control characters and out-of-range numbers and dates are refused."""
from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from contracts.application import Application
from plumbing.edges.inputs import STRICT, Code, IdNumber, LongText, Phone, Text, strict_model

# Every field of the Application contract except the ones intake derives (applicant's masked ID
# and person_ref, photo measurements, revision, submitted_at), typed for the door.
_ApplicationFields = strict_model(Application, exclude={"application_id", "plan_id", "applicant", "photo", "revision",
                                                        "submitted_at"}, name="ApplicationFields")


class ApplicantIn(BaseModel):
    model_config = STRICT

    name: Text = Field(min_length=1, max_length=50)
    id_number: IdNumber = Field(max_length=30, description="18-character resident ID number; never stored in events")
    phone: Phone


class SubmitRequest(_ApplicationFields):
    model_config = STRICT

    application_id: uuid.UUID | None = None
    plan_id: Code | None = None
    applicant: ApplicantIn
    photo_base64: str | None = Field(default=None, description="the ID photo, JPEG, base64")
    photo_ref: Code | None = Field(default=None, max_length=60,
                                   description="or the ref of the photo uploaded at POST /documents?kind=photo")


class WithdrawRequest(BaseModel):
    model_config = STRICT | {"str_strip_whitespace": True}  # "   " is no reason

    reason: LongText = Field(min_length=1, max_length=500)
