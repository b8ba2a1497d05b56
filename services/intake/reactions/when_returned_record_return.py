"""Review's Returned -> intake records ReturnReceived on the application's stream (the filing's
revision when the return arrived) and opens the return in `open_returns`: the applicant may now
resubmit. Recorded as intake's own event so that `open_returns` is a fold of intake's history
(projections/history.py, `zc replay intake.history`).

Intake files every application, so a Returned for one it has no stream of can never become valid by
waiting: a phantom (PhantomReference), dead-lettered at once and changing nothing."""
from __future__ import annotations

from contracts.events import Returned, ReturnReceived
from plumbing.core.application import Append, Context
from plumbing.core.references import PhantomReference
from services.intake.domain.filing import stream_of
from services.intake.usecases.filing import load_filing
from services.intake.usecases.ports import ReturnOpen


async def when_returned_record_return(returned: Returned, ctx: Context) -> Append:
    state, version = await load_filing(ctx.uow, returned.application_id)
    if state is None:
        raise PhantomReference(f"application {returned.application_id}")
    received = ReturnReceived(application_id=returned.application_id, return_event_id=ctx.envelope.event_id,
                              revision=state.revision, level=returned.level, reason=returned.reason,
                              sections=list(returned.sections))
    await ctx.ports.returns.open(ReturnOpen.of(received))
    return Append(stream_of(returned.application_id), [received], key=str(returned.application_id),
                  expected_version=version)
