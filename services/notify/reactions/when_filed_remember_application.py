"""ApplicationSubmitted / ApplicationResubmitted -> remember that the application exists, and the plan
(id and version) its filing recorded, by which notify chooses its texts and reminders; any other
event naming an application -> require that it is known, else ReferenceNotYetKnown (the consumer
retries it for ZC_REFERENCE_WAIT_SECONDS, then parks it). The same check as review's.

Filings are consumed in a consumer group of their own (bootstrap.py), so a record waiting here never
holds back the filing it waits for."""
from __future__ import annotations

from contracts.events import ApplicationResubmitted, ApplicationSubmitted, Payload
from plumbing.core.application import Context
from plumbing.core.references import ReferenceNotYetKnown
from services.notify.domain.references import referred_application


async def when_filed_remember_application(filed: ApplicationSubmitted | ApplicationResubmitted, ctx: Context) -> None:
    # a resubmission repeats the first filing's plan (intake keeps it), so the first remembered stands
    await ctx.ports.known.remember(filed.application.application_id, filed.application.plan_id, filed.plan_version)


async def require_known_application(event: Payload, ctx: Context) -> None:
    """Known: filed (known_applications), or in the directory before that table existed (an
    applicant's contact row is written only for events that passed this check since)."""
    application_id = referred_application(event)
    if application_id is None:
        return
    if await ctx.ports.known.knows(application_id):
        return
    raise ReferenceNotYetKnown(f"application {application_id}")
