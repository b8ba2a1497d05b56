"""EligibilityAssessed -> remember its plan and failing rule codes for the analysts' feed. A
read-model reaction, registered before the one that opens the case, so the CaseOpened's feed
message (queued in the same transaction, adapters/feed.py) finds them."""
from __future__ import annotations

from contracts.events import EligibilityAssessed
from plumbing.core.application import Context


async def when_assessed_note_for_feed(assessed: EligibilityAssessed, ctx: Context) -> None:
    await ctx.ports.feed_context.note(assessed.application_id, assessed.revision, assessed.plan_id,
                                      assessed.plan_version, sorted({r.code for r in assessed.rules if not r.passed}))
