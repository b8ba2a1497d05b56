"""ApplicationSubmitted / ApplicationResubmitted -> remember that the application exists, so that
an assessment can be checked against it (when_assessed_open_case). A read-model reaction: it
writes through its port in the consumer's unit of work and appends nothing."""
from __future__ import annotations

import uuid

from contracts.events import ApplicationResubmitted, ApplicationSubmitted
from plumbing.core.application import Context
from plumbing.core.references import ReferenceNotYetKnown
from plumbing.core.unit_of_work import UnitOfWork
from services.review.usecases.cases import case_stream
from services.review.usecases.ports import ReviewPorts


async def when_filed_remember_application(filed: ApplicationSubmitted | ApplicationResubmitted, ctx: Context) -> None:
    await ctx.ports.known.remember(filed.application.application_id, filed.application.revision)


async def require_known(uow: UnitOfWork[ReviewPorts], application_id: uuid.UUID) -> None:
    """An assessment must be of an application review has seen filed (or already has a case for:
    cases opened before this check existed)."""
    if await uow.ports.known.knows(application_id) or await uow.events(case_stream(application_id)):
        return
    raise ReferenceNotYetKnown(f"application {application_id}")
