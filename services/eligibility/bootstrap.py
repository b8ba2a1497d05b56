"""Composition root of the eligibility service: the only place that knows PostgreSQL and Kafka."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import FastAPI, Request, Response
from pydantic import RootModel

from contracts import topics
from contracts.envelope import Role
from contracts.events import ApplicationSummary
from contracts.plan import PlanRegistry, load_plan, plan_registry
from plumbing.core.application import Recorder
from plumbing.core.reactions import Reactions
from plumbing.runtime import Runtime, Subscription, build_app
from plumbing.edges.security import Caller, caller
from plumbing.edges.answers import Event, examples, EVENT_EXAMPLE
from plumbing.edges import pages
from plumbing.edges.openapi import ETAG_HEADERS, PAGE_HEADERS, contract
from plumbing.settings import ServiceSettings
from services.eligibility.reactions.when_application_filed_assess import (
    ELIGIBILITY_ACTOR, when_application_filed_assess)
from services.eligibility.adapters.preview import router as preview_router
from services.eligibility.domain.streams import ASSESSMENT
from services.eligibility.usecases.assessments import assessments_of


class Assessments(RootModel[list[Event]]):
    """The application's assessments, newest last (paged: `Link: rel="next"`)."""

    model_config = {"json_schema_extra": {"examples": [[{**EVENT_EXAMPLE, "event_type": "EligibilityAssessed"}]]}}


READERS = (Role.APPLICANT, Role.UNIT, Role.CONSTRUCTION_AUTHORITY, Role.HR_BUREAU, Role.CITY_HR_BUREAU, Role.AUDITOR)


def may_read(who: Caller, summary: ApplicationSummary) -> bool:
    """The same scopes as review's cases: own application, own unit, own area, whole city."""
    return {Role.APPLICANT: lambda: bool(who.person_ref) and who.person_ref == summary.person_ref,
            Role.UNIT: lambda: bool(who.org) and who.org == summary.unit_id,
            Role.CONSTRUCTION_AUTHORITY: lambda: bool(who.area) and who.area == summary.unit_area,
            Role.HR_BUREAU: lambda: bool(who.area) and who.area == summary.unit_area,
            }.get(who.role, lambda: who.role in (Role.CITY_HR_BUREAU, Role.AUDITOR))()


def reaction_tables(recorder: Recorder, plans: PlanRegistry) -> dict[str, Reactions]:
    """eligibility's reactions, by the topic its consumer group reads (the tests use this table too)."""
    return {topics.applications(): Reactions(recorder).add(when_application_filed_assess(plans))}


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings(service="eligibility")
    # Every shipped plan (and ZC_PLAN's file): each application is assessed with the plan it records.
    plans = plan_registry(settings.plan)  # a wrong plan file stops the start-up here, with its message
    plan = load_plan(settings.plan)  # the plan open for filing: a draft's preview (adapters/preview.py) is checked by it
    runtime = Runtime(settings, application_streams=[ASSESSMENT])

    recorder = Recorder(lambda: runtime.store, topic=topics.eligibility(), actor=ELIGIBILITY_ACTOR)
    runtime.recorder = recorder
    runtime.subscriptions += [Subscription([topic], table.handle, wants=table.wants)
                              for topic, table in reaction_tables(recorder, plans).items()]
    app = build_app(runtime, title="zhicheng eligibility",
                    description="Checks every rule of the plan and explains each decision (中文/English).")
    app.state.plan = plan
    app.include_router(preview_router)

    @app.get("/assessments/{application_id}", tags=["eligibility"], summary="Every assessment of the application",
             **contract("readAssessments", Assessments, fails=(404,), headers={**ETAG_HEADERS, **PAGE_HEADERS}))
    async def assessments(request: Request, response: Response, application_id: uuid.UUID,
                          who: Annotated[Caller, caller(*READERS)], limit: pages.Limit = pages.DEFAULT_LIMIT,
                          cursor: pages.Cursor = None) -> list[dict]:
        """Every assessment of the application, newest last (one per revision): to the applicant,
        the unit and the departments of its area, the city and auditors. Anyone else's answers
        exactly like an application without assessments."""
        async with runtime.unit_of_work() as uow:
            events = await assessments_of(uow, application_id, lambda summary: may_read(who, summary))
        response.headers["ETag"] = f'"{events[-1].stream_version}"'
        shown, next_cursor = pages.after(events, cursor, limit, lambda e: e.stream_version)
        pages.link(request, response, next_cursor)
        return [e.model_dump(mode="json") for e in shown]

    return app
