"""Composition root of intake: the only place that knows PostgreSQL and Kafka."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from contracts import topics
from contracts.plan import load_plan
from plumbing.runtime import Runtime, Subscription, build_app
from plumbing.settings import ServiceSettings
from services.intake.adapters.api import router
from services.intake.reactions.when_archive_changes_record_entry import (
    ARCHIVE_EVENTS, when_archive_changes_record_entry)
from services.intake.reactions.when_returned_record_return import when_returned_record_return

TABLES = (Path(__file__).parent / "adapters" / "tables.sql").read_text()


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings(service="intake")
    plan = load_plan(settings.plan)
    runtime = Runtime(settings, extra_schema=TABLES)

    async def on_review_event(conn, envelope):
        if envelope.event_type == "Returned":
            await when_returned_record_return(runtime.store, conn, envelope)
        else:
            await when_archive_changes_record_entry(conn, envelope)

    runtime.subscriptions.append(Subscription([topics.review()], on_review_event,
                                              wants=lambda e: e.event_type in ARCHIVE_EVENTS | {"Returned"}))
    app = build_app(runtime, title="zhicheng intake",
                    description="Applicants file, resubmit and withdraw applications (个人申报).")
    app.state.settings, app.state.plan = settings, plan
    app.include_router(router)
    return app
