"""Review's Returned -> intake's open_returns read model: the applicant may now resubmit.

Intake files every application, so a Returned for one it has no stream of can never become valid by
waiting: a phantom (PhantomReference), dead-lettered at once and changing nothing."""
from __future__ import annotations

import json

from contracts.events import Returned
from plumbing.core.application import Context, React, Repository
from plumbing.core.references import PhantomReference
from services.intake.domain.filing import stream_of


def when_returned_record_return(filings: Repository) -> React:
    async def react(returned: Returned, ctx: Context) -> None:
        state, _ = await filings.get(stream_of(returned.application_id), ctx.conn)
        if state is None:
            raise PhantomReference(f"application {returned.application_id}")
        await ctx.conn.execute(
            "INSERT INTO open_returns (application_id, return_event_id, revision, level, reason, sections)"
            " VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (application_id) DO UPDATE SET"
            " return_event_id = EXCLUDED.return_event_id, revision = EXCLUDED.revision, level = EXCLUDED.level,"
            " reason = EXCLUDED.reason, sections = EXCLUDED.sections",
            returned.application_id, ctx.envelope.event_id, state.revision, returned.level.value, returned.reason,
            json.dumps([s.model_dump() for s in returned.sections], ensure_ascii=False))
    return react

