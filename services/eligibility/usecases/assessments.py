"""Reading an application's assessments: every one, newest last, to those who may read the
application (their scope is decided on the newest assessment's summary, read through the
upcasters like every payload)."""
from __future__ import annotations

import uuid
from collections.abc import Callable

from contracts.envelope import Envelope
from contracts.errors import NotFound
from contracts.events import ApplicationSummary
from plumbing.core.unit_of_work import UnitOfWork
from services.eligibility.domain.streams import assessment_stream


async def assessments_of(uow: UnitOfWork, application_id: uuid.UUID,
                         may_read: Callable[[ApplicationSummary], bool]) -> list[Envelope]:
    """The stored envelopes (as stored, for the record). Anyone outside the scope gets exactly
    the answer of an application without assessments."""
    events = await uow.events(assessment_stream(application_id))
    if not events or not may_read(events[-1][1].summary):
        raise NotFound("尚无该申报的资格审查结果", "no assessment for this application yet")
    return [envelope for envelope, _payload in events]
