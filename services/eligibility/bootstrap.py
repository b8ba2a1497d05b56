"""Composition root of the eligibility service: the only place that knows PostgreSQL and Kafka."""
from __future__ import annotations

import uuid

from fastapi import FastAPI

from contracts import topics
from contracts.errors import NotFound
from contracts.plan import load_plan
from plumbing.application import Reactions, Recorder
from plumbing.runtime import Runtime, Subscription, build_app
from plumbing.settings import ServiceSettings
from services.eligibility.reactions.when_application_filed_assess import (
    ELIGIBILITY_ACTOR, stream_of, when_application_filed_assess)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings(service="eligibility")
    plan = load_plan(settings.plan)  # a wrong plan stops the start-up here, with its message
    runtime = Runtime(settings)

    recorder = Recorder(lambda: runtime.store, topic=topics.eligibility(), actor=ELIGIBILITY_ACTOR)
    reactions = Reactions(recorder).add(when_application_filed_assess(plan))
    runtime.subscriptions.append(Subscription([topics.applications()], reactions.handle, wants=reactions.wants))
    app = build_app(runtime, title="zhicheng eligibility",
                    description="Checks every rule of the plan and explains each decision (中文/English).")

    @app.get("/assessments/{application_id}", tags=["eligibility"])
    async def assessments(application_id: uuid.UUID) -> list[dict]:
        """Every assessment of the application, newest last (one per revision)."""
        events = await runtime.store.load_stream(stream_of(application_id))
        if not events:
            raise NotFound("尚无该申报的资格审查结果", "no assessment for this application yet")
        return [e.model_dump(mode="json") for e in events]

    return app
