"""Answer shapes more than one service gives: a recorded event, a receipt, a page of a list.

Each model carries an example (the OpenAPI document shows it, tests/unit/test_openapi_contract.py
requires it). Models allow members beyond those named: the named ones are the contract."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from contracts.envelope import Envelope

EVENT_ID = "0b9e6f0c-5a5e-4c58-9a55-3f1f2f4c9d01"
APPLICATION_ID = "3f0e1b4a-8c1d-4b9e-9a7c-2d5e6f7a8b90"
CORRELATION_ID = "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
EVENT_EXAMPLE = {"event_id": EVENT_ID, "event_type": "ApplicationSubmitted", "schema_version": 2,
                 "stream_id": f"application-{APPLICATION_ID}", "stream_version": 1,
                 "occurred_at": "2020-08-12T09:30:00Z", "recorded_at": "2020-08-12T09:30:00.120000Z",
                 "actor": {"role": "applicant", "organisation": "", "user": "applicant-1"},
                 "correlation_id": CORRELATION_ID, "causation_id": None, "payload": {"application_id": APPLICATION_ID}}


def examples(*samples: dict) -> ConfigDict:
    return ConfigDict(extra="allow", json_schema_extra={"examples": list(samples)})


class Event(Envelope):
    """An event as stored (personal data never in it: names and numbers live outside events)."""

    model_config = examples(EVENT_EXAMPLE)


class Receipt(BaseModel):
    model_config = examples({"event_id": EVENT_ID, "event_type": "UnitApproved", "stream_version": 3})

    event_id: str
    event_type: str
    stream_version: int


class Health(BaseModel):
    model_config = examples({"status": "alive"})

    status: str


class Readiness(BaseModel):
    model_config = examples({"ready": True, "checks": {"postgresql": "ok", "kafka": "ok", "workers": "ok",
                                                       "outbox": "ok", "consumers": "ok"}})

    ready: bool
    checks: dict[str, str]
