"""Composition root of notify: directory + deliveries from events, the dispatcher, the gateway."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

from fastapi import FastAPI

from contracts import topics
from contracts.plan import load_plan
from plumbing.runtime import Runtime, Subscription, build_app
from services.notify.adapters.gateway_http import HttpSmsGateway
from services.notify.adapters.gateway_recording import RecordingGateway
from services.notify.dispatcher import Dispatcher
from services.notify.domain.templates import load_catalogue
from services.notify.reactions.when_event_plan_messages import when_event_plan_messages
from services.notify.settings import NotifySettings
from services.notify.templates import read_catalogue_text
from services.notify.usecases.status import delivery_status

TABLES = (Path(__file__).parent / "adapters" / "tables.sql").read_text()


def create_app(settings: NotifySettings | None = None) -> FastAPI:
    settings = settings or NotifySettings()
    plan = load_plan(settings.plan)
    catalogue = load_catalogue(read_catalogue_text(plan.plan_id))  # a broken template stops start-up
    runtime = Runtime(settings, extra_schema=TABLES)

    async def on_event(conn, envelope):
        await when_event_plan_messages(runtime.store, plan, catalogue, conn, envelope)

    runtime.subscriptions.append(Subscription([topics.applications(), topics.eligibility(), topics.review()], on_event))
    app = build_app(runtime, title="zhicheng notify", description="12333 SMS: once per event, never a full ID number.")

    async def start_dispatcher(rt: Runtime) -> None:
        gateway = HttpSmsGateway.from_env(os.environ) if settings.sms_gateway == "http" else RecordingGateway(rt.pool)
        app.state.dispatcher = Dispatcher(rt.pool, rt.store, gateway, tz=plan.timezone, quiet=settings.quiet(),
                                          windows=settings.windows())
        rt.spawn(app.state.dispatcher.run(), "notify-dispatcher")

    async def stop_dispatcher(_rt: Runtime) -> None:
        app.state.dispatcher.stop()

    runtime.on_started.append(start_dispatcher)
    runtime.on_stopping.append(stop_dispatcher)

    @app.get("/notifications/{application_id}", tags=["notify"], summary="What was sent to whom and when")
    async def status(application_id: uuid.UUID) -> dict:
        return await delivery_status(runtime.pool, application_id)

    return app
