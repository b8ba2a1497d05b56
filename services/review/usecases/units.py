"""Approving a unit's authorization: stream `unit-<unit_id>`, published on the review topic
(key = unit_id) through the outbox in the append's transaction, like every case decision."""
from __future__ import annotations

from datetime import datetime

from contracts.envelope import Envelope
from plumbing.application import Recorder
from services.review.domain.unit_authorization import (
    AuthorizeUnit, decide_authorization, evolve_authorization, unit_stream)


async def authorize_unit(recorder: Recorder, command: AuthorizeUnit, *, now: datetime) -> list[Envelope]:
    stream = unit_stream(command.unit_id)
    current, version = await recorder.repository(evolve_authorization).get(stream)
    return await recorder.save(stream, decide_authorization(current, command), key=command.unit_id,
                               expected_version=version, actor=command.actor, occurred_at=now)
