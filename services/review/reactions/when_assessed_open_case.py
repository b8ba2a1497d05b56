"""EligibilityAssessed -> OpenCase (first filing, or a resubmission reopening a returned case).
ApplicationWithdrawn -> CloseWithdrawn. Both run in the consumer's transaction."""
from __future__ import annotations

from contracts.envelope import SYSTEM_ACTOR, Envelope
from contracts.errors import Refused
from contracts.events import ApplicationWithdrawn, EligibilityAssessed
from contracts.plan import Plan
from plumbing import clock
from plumbing.eventstore import EventStore
from plumbing.logging import get_logger
from services.review.domain.commands import CloseWithdrawn, OpenCase
from services.review.reactions.when_filed_remember_application import require_known
from services.review.usecases.cases import execute, load_case, mark_withdrawn_before_open

log = get_logger(__name__)
# Refusals that mean "this already happened": a redelivered or late event, not an error.
ALREADY = {"ALREADY_OPEN", "ALREADY_CLOSED", "WITHDRAWN_BEFORE_OPEN"}


async def when_assessed_open_case(store: EventStore, plan: Plan, conn, envelope: Envelope) -> None:
    assessed = EligibilityAssessed.model_validate(envelope.payload)
    await require_known(store, conn, assessed.application_id)  # topics are not ordered with each other
    command = OpenCase(actor=SYSTEM_ACTOR, application_id=assessed.application_id, revision=assessed.revision,
                       outcome=assessed.outcome, summary=assessed.summary)
    await _run(store, plan, conn, envelope, command)


async def when_withdrawn_close_case(store: EventStore, plan: Plan, conn, envelope: Envelope) -> None:
    withdrawn = ApplicationWithdrawn.model_validate(envelope.payload)
    try:
        case, _ = await load_case(store, withdrawn.application_id, conn)
    except Refused as refused:
        if refused.code in ALREADY:
            return
        raise
    if case is None:
        # Withdrawn before eligibility's assessment reached us: the marker at version 1 makes the
        # late assessment a no-op. If the case is being opened right now, one of the two appends
        # loses on (stream, version) and is retried, then sees the other.
        await mark_withdrawn_before_open(store, withdrawn, envelope, conn)
        log.info("review.withdrawn_before_case")
        return
    await _run(store, plan, conn, envelope, CloseWithdrawn(actor=SYSTEM_ACTOR, application_id=withdrawn.application_id,
                                                           reason=withdrawn.reason))


async def _run(store, plan, conn, envelope, command) -> None:
    try:
        await execute(store, plan, command, now=clock.now(), correlation_id=envelope.correlation_id,
                      causation_id=envelope.event_id, event_id=envelope.event_id, conn=conn)
    except Refused as refused:
        if refused.code in ALREADY:
            log.info("review.already_done", code=refused.code)
            return
        raise
