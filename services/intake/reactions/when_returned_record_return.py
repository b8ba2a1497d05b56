"""Review's Returned -> intake's open_returns read model: the applicant may now resubmit."""
from __future__ import annotations

import json

from contracts.envelope import Envelope
from contracts.events import Returned
from plumbing.eventstore import EventStore
from services.intake.usecases.filing import load_filing


async def when_returned_record_return(store: EventStore, conn, envelope: Envelope) -> None:
    returned = Returned.model_validate(envelope.payload)
    state, _ = await load_filing(store, conn, returned.application_id)
    if state is None:
        raise ValueError(f"Returned for unknown application {returned.application_id}")
    await conn.execute(
        "INSERT INTO open_returns (application_id, return_event_id, revision, level, reason, sections)"
        " VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (application_id) DO UPDATE SET"
        " return_event_id = EXCLUDED.return_event_id, revision = EXCLUDED.revision, level = EXCLUDED.level,"
        " reason = EXCLUDED.reason, sections = EXCLUDED.sections",
        returned.application_id, envelope.event_id, state.revision, returned.level.value, returned.reason,
        json.dumps([s.model_dump() for s in returned.sections], ensure_ascii=False))
