"""ApplicationSubmitted / ApplicationResubmitted -> remember that the application exists, so that
an assessment can be checked against it (when_assessed_open_case). A read-model reaction: it
writes its row in the consumer's transaction and appends nothing."""
from __future__ import annotations

import uuid

from contracts.events import ApplicationResubmitted, ApplicationSubmitted
from plumbing.core.application import Context
from plumbing.core.references import ReferenceNotYetKnown


async def when_filed_remember_application(filed: ApplicationSubmitted | ApplicationResubmitted, ctx: Context) -> None:
    application = filed.application
    await ctx.conn.execute(
        "INSERT INTO known_applications (application_id, revision) VALUES ($1, $2)"
        " ON CONFLICT (application_id) DO UPDATE SET revision = GREATEST(known_applications.revision, EXCLUDED.revision)",
        application.application_id, application.revision)


async def require_known(store, conn, application_id: uuid.UUID) -> None:
    """An assessment must be of an application review has seen filed (or already has a case for:
    cases opened before this check existed)."""
    if await conn.fetchval("SELECT true FROM known_applications WHERE application_id = $1", application_id):
        return
    if await store.load_stream(f"case-{application_id}", conn):
        return
    raise ReferenceNotYetKnown(f"application {application_id}")
