"""ApplicationSubmitted / ApplicationResubmitted -> EligibilityAssessed (stream eligibility-<id>)."""
from __future__ import annotations

from contracts.envelope import SYSTEM_ACTOR, Actor, Role
from contracts.events import ApplicationResubmitted, ApplicationSubmitted
from contracts.plan import PlanRegistry
from plumbing.core.application import Append, Context, React
from plumbing.logging import get_logger
from services.eligibility.domain.assess import assess
from services.eligibility.domain.streams import assessment_stream

log = get_logger(__name__)
ELIGIBILITY_ACTOR = Actor(role=Role.SYSTEM, organisation="eligibility", user=SYSTEM_ACTOR.user)

stream_of = assessment_stream  # the name other modules knew it by


def when_application_filed_assess(plans: PlanRegistry) -> React:
    """Assessed with the plan the filing records (an unknown one is refused: UnknownPlan, bad data)."""
    async def react(filed: ApplicationSubmitted | ApplicationResubmitted, _ctx: Context) -> Append:
        assessment = assess(filed.application, plans.get(filed.application.plan_id, filed.plan_version))
        log.info("eligibility.assessed", outcome=assessment.outcome, revision=assessment.revision,
                 failing=[r.code for r in assessment.rules if not r.passed])
        return Append(stream_of(assessment.application_id), [assessment], key=str(assessment.application_id))
    return react
