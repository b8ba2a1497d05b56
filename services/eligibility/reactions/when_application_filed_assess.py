"""ApplicationSubmitted / ApplicationResubmitted -> EligibilityAssessed (stream eligibility-<id>)."""
from __future__ import annotations

import asyncpg

from contracts import topics
from contracts.envelope import SYSTEM_ACTOR, Actor, Envelope, Role
from contracts.events import ApplicationResubmitted, ApplicationSubmitted
from contracts.plan import Plan
from contracts.registry import parse_payload
from plumbing import clock
from plumbing.eventstore import EventStore, NewEvent
from plumbing.logging import get_logger
from services.eligibility.domain.assess import assess

log = get_logger(__name__)
FILED = {"ApplicationSubmitted", "ApplicationResubmitted"}
ELIGIBILITY_ACTOR = Actor(role=Role.SYSTEM, organisation="eligibility", user=SYSTEM_ACTOR.user)


def stream_of(application_id) -> str:
    return f"eligibility-{application_id}"


async def when_application_filed_assess(store: EventStore, plan: Plan, conn: asyncpg.Connection,
                                        envelope: Envelope) -> None:
    filed = parse_payload(envelope.event_type, envelope.payload)
    assert isinstance(filed, ApplicationSubmitted | ApplicationResubmitted)
    assessment = assess(filed.application, plan)
    event = NewEvent(assessment, ELIGIBILITY_ACTOR, correlation_id=envelope.correlation_id,
                     causation_id=envelope.event_id, occurred_at=clock.now())
    await store.append(stream_of(assessment.application_id), None, [event], topic=topics.eligibility(),
                       key=str(assessment.application_id), conn=conn)
    log.info("eligibility.assessed", outcome=assessment.outcome, revision=assessment.revision,
             failing=[r.code for r in assessment.rules if not r.passed])
