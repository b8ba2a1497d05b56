"""Auditors read a service's history (read-only, every service, role auditor):
- `GET /audit/streams/{stream}`: one stream's events, hashes and chain check;
- `GET /audit/applications/{id}`: this service's part of one application's history (its
  application streams, each chain checked, plus what the service adds: notify's SMS and their
  delivery state), which `zc audit timeline` merges with the other services' parts. No service
  calls another for it."""
from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import FastAPI, Path, Request
from pydantic import BaseModel

from contracts.envelope import Role
from contracts.errors import NotFound
from plumbing.core.eventstore import Stored
from plumbing.edges.answers import APPLICATION_ID, EVENT_EXAMPLE, Event, examples
from plumbing.edges.openapi import contract
from plumbing.edges.security import Caller, caller

# A service's own facts about an application beside its events (notify: deliveries; review: the
# names of the staff who acted, from its directory). Given the request (to record reads) and the id.
Extra = Callable[[Request, uuid.UUID], Awaitable[dict]]


def _event(s: Stored, service: str) -> dict:
    return {**s.envelope.model_dump(mode="json"), "service": service, "prev_hash": s.prev_hash, "hash": s.hash,
            "position": [s.position.tx_id, s.position.position]}


class AuditedEvent(Event):
    model_config = examples({**EVENT_EXAMPLE, "prev_hash": "00" * 32, "hash": "5a" * 32})

    prev_hash: str
    hash: str


class AuditedStream(BaseModel):
    """The stream's events with their hash chain, and whether the chain holds."""

    model_config = examples({"stream_id": EVENT_EXAMPLE["stream_id"], "intact": True, "first_bad_version": None,
                             "events": [{**EVENT_EXAMPLE, "prev_hash": "00" * 32, "hash": "5a" * 32}]})

    stream_id: str
    intact: bool
    first_bad_version: int | None
    events: list[AuditedEvent]


class TimelineEvent(AuditedEvent):
    model_config = examples({**EVENT_EXAMPLE, "service": "intake", "prev_hash": "00" * 32, "hash": "5a" * 32,
                             "position": [1234, 0]})

    service: str
    position: list[int]


class ApplicationPart(BaseModel):
    """One service's part of an application's history: its streams' events with their chain checks,
    and what the service adds beside them (notify: `deliveries`; review: `staff_names`)."""

    model_config = examples({"service": "intake", "application_id": APPLICATION_ID,
                             "streams": {f"application-{APPLICATION_ID}": True},
                             "events": [{**EVENT_EXAMPLE, "service": "intake", "prev_hash": "00" * 32,
                                         "hash": "5a" * 32, "position": [1234, 0]}]})

    service: str
    application_id: str
    streams: dict[str, bool]
    events: list[TimelineEvent]


def install_audit(app: FastAPI, runtime) -> None:
    service = runtime.settings.service

    @app.get("/audit/streams/{stream_id}", tags=["audit"], summary="A stream's events, hashes and chain check",
             **contract("auditStream", AuditedStream, fails=(404,)))
    async def audit_stream(stream_id: Annotated[str, Path(max_length=200)],
                           _auditor: Annotated[Caller, caller(Role.AUDITOR)]) -> dict:
        stored = await runtime.store.load_stored(stream_id)
        if not stored:
            raise NotFound("没有该事件流", "no such stream")
        intact, first_bad = await runtime.store.verify_stream(stream_id)
        return {"stream_id": stream_id, "intact": intact, "first_bad_version": first_bad,
                "events": [{**s.envelope.model_dump(mode="json"), "prev_hash": s.prev_hash, "hash": s.hash}
                           for s in stored]}

    @app.get("/audit/applications/{application_id}", tags=["audit"],
             summary="This service's part of an application's history (for `zc audit timeline`)",
             **contract("auditApplication", ApplicationPart))
    async def audit_application(request: Request, application_id: uuid.UUID,
                                _auditor: Annotated[Caller, caller(Role.AUDITOR)]) -> dict:
        streams = [f"{prefix}{application_id}" for prefix in runtime.application_streams]
        events, chains = [], {}
        for stream_id in streams:
            stored = await runtime.store.load_stored(stream_id)
            if stored:
                events += [_event(s, service) for s in stored]
                chains[stream_id] = (await runtime.store.verify_stream(stream_id))[0]
        extras = {}
        for extra in runtime.audit_extras:
            extras.update(await extra(request, application_id))
        # An application this service never heard of is an empty part, not a 404: the auditor
        # asks every service, and "nothing here" is an answer (an ineligible case has no SMS yet).
        return {"service": service, "application_id": str(application_id), "streams": chains,
                "events": events, **extras}
