"""EligibilityAssessed -> OpenCase (first filing, or a resubmission reopening a returned case).
ApplicationWithdrawn -> CloseWithdrawn, or the withdrawn-before-open marker. Both are policies:
they return what to append, which the reaction table saves in the consumer's transaction."""
from __future__ import annotations

from collections.abc import Callable

from contracts.envelope import SYSTEM_ACTOR
from contracts.errors import Refused
from contracts.events import ApplicationWithdrawn, CaseClosed, EligibilityAssessed
from contracts.plan import PlanRegistry
from plumbing import clock
from plumbing.core.application import Append, Context, React
from plumbing.logging import get_logger
from contracts.plan import Plan
from services.review.domain.case import Case
from services.review.domain.commands import CloseWithdrawn, Command, OpenCase
from services.review.usecases.cases import case_stream, decided, load_case, plan_of
from services.review.reactions.when_filed_remember_application import require_known

log = get_logger(__name__)
# Refusals that mean "this already happened": a redelivered or late event, not an error.
ALREADY = {"ALREADY_OPEN", "ALREADY_CLOSED", "WITHDRAWN_BEFORE_OPEN"}


def when_assessed_open_case(plans: PlanRegistry) -> React:
    """The case opens under the plan its assessment names (the application's own: an unknown one is
    refused as bad data)."""
    async def react(assessed: EligibilityAssessed, ctx: Context) -> Append | None:
        await require_known(ctx.uow, assessed.application_id)  # topics are not ordered with each other
        plan = plans.get(assessed.plan_id, assessed.plan_version)
        return await _system(lambda _case: plan, ctx, OpenCase(
            actor=SYSTEM_ACTOR, application_id=assessed.application_id, revision=assessed.revision,
            outcome=assessed.outcome, summary=assessed.summary, route_used=assessed.route_used,
            rules=tuple(assessed.rules)))
    return react


def when_withdrawn_close_case(plans: PlanRegistry) -> React:
    async def react(withdrawn: ApplicationWithdrawn, ctx: Context) -> Append | None:
        return await _system(lambda case: plan_of(case, plans), ctx, CloseWithdrawn(
            actor=SYSTEM_ACTOR, application_id=withdrawn.application_id, reason=withdrawn.reason))
    return react


async def _system(plan_for: Callable[[Case], Plan], ctx: Context, command: Command) -> Append | None:
    app_id = command.application_id
    try:
        case, version = await load_case(ctx.uow, app_id)
        if case is None and isinstance(command, CloseWithdrawn):
            # Withdrawn before eligibility's assessment reached us: the marker at version 1 makes the
            # late assessment a no-op. If the case is being opened right now, one of the two appends
            # loses on (stream, version) and is retried, then sees the other.
            log.info("review.withdrawn_before_case")
            return Append(case_stream(app_id), [CaseClosed(application_id=app_id, final_status="withdrawn")],
                          key=str(app_id), expected_version=0)
        payloads = decided(case, command, plan_for(case), clock.now())
    except Refused as refused:
        if refused.code in ALREADY:
            log.info("review.already_done", code=refused.code)
            return None
        raise
    return Append(case_stream(app_id), payloads, key=str(app_id), expected_version=version)
