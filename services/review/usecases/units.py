"""Approving a unit's authorization: stream `unit-<unit_id>`, published on the review topic
(key = unit_id) through the outbox in the append's transaction, like every case decision."""
from __future__ import annotations

import uuid
from datetime import datetime

from contracts.events import UnitAuthorized
from plumbing.eventstore import EventStore
from services.review.domain.unit_authorization import AuthorizeUnit, decide_authorization
from services.review.usecases.cases import _append


def unit_stream(unit_id: str) -> str:
    return f"unit-{unit_id}"


async def authorize_unit(store: EventStore, command: AuthorizeUnit, *, now: datetime) -> list[dict]:
    stream = unit_stream(command.unit_id)
    envelopes = await store.load_stream(stream)
    current = next((UnitAuthorized.model_validate(e.payload) for e in reversed(envelopes)
                    if e.event_type == "UnitAuthorized"), None)
    payloads = decide_authorization(current, command)
    version = envelopes[-1].stream_version if envelopes else 0
    return await _append(store, stream, version, payloads, command.actor, uuid.uuid5(uuid.NAMESPACE_URL, stream),
                         None, now, command.unit_id, None)
