"""EligibilityAssessed -> remember its plan and failing rule codes for the analysts' feed. A
read-model reaction, registered before the one that opens the case, so the CaseOpened's feed
message (queued in the same transaction) finds them."""
from __future__ import annotations

from contracts.events import EligibilityAssessed
from plumbing.core.application import Context
from services.review.usecases.feed import note_assessment


async def when_assessed_note_for_feed(assessed: EligibilityAssessed, ctx: Context) -> None:
    conn = getattr(ctx.uow, "conn", None)
    if conn is None:  # the in-memory unit of work of the use-case tests: no outbox, no feed there
        return
    await note_assessment(conn, assessed.application_id, assessed.plan_id, assessed.plan_version,
                          assessed.revision, sorted({r.code for r in assessed.rules if not r.passed}))
