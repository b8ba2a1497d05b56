"""Review's Returned -> intake's open returns: the applicant may now resubmit.

Intake files every application, so a Returned for one it has no stream of can never become valid by
waiting: a phantom (PhantomReference), dead-lettered at once and changing nothing."""
from __future__ import annotations

from contracts.events import Returned
from plumbing.core.application import Context
from plumbing.core.references import PhantomReference
from services.intake.usecases.filing import load_filing
from services.intake.usecases.ports import ReturnOpen


async def when_returned_record_return(returned: Returned, ctx: Context) -> None:
    state, _ = await load_filing(ctx.uow, returned.application_id)
    if state is None:
        raise PhantomReference(f"application {returned.application_id}")
    await ctx.ports.returns.open(ReturnOpen(returned.application_id, ctx.envelope.event_id, state.revision,
                                            returned.level, returned.reason, tuple(returned.sections)))
