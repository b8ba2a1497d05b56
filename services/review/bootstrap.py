"""Composition root of review: cases from assessments, decisions over HTTP, read models."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from contracts import topics
from contracts.personal_record import APPLICANT, OPERATOR
from contracts.envelope import SYSTEM_ACTOR
from contracts.plan import PlanRegistry, load_plan, plan_registry
from plumbing import clock
from plumbing.core.application import Recorder
from plumbing.core.reactions import Reactions
from plumbing.edges.auth import DEV_PERSON_REF_SECRET
from plumbing.core.periodic import PeriodicJob
from plumbing.core.projection import ProjectionRunner
from plumbing.core.personal_data import follow
from plumbing.core.personal_publisher import PersonalDataPublisher
from plumbing.runtime import Runtime, Subscription, build_app
from plumbing.settings import ServiceSettings
from services.review.adapters.api_cases import router as cases_router
from services.review.adapters.api_units import router as units_router
from services.review.adapters.api_views import router as views_router
from services.review.adapters.ports_pg import review_ports
from services.review.adapters.staff import StaffDirectory, names_on_timeline
from services.review.adapters.staff import router as staff_router
from services.review.projections.case_view import make_apply
from services.review.reactions.when_assessed_note_for_feed import when_assessed_note_for_feed
from services.review.reactions.when_assessed_open_case import when_assessed_open_case, when_withdrawn_close_case
from services.review.reactions.when_filed_remember_application import when_filed_remember_application
from services.review.domain.streams import CASE
from services.review.settings import ReviewSettings
from services.review.adapters.feed import Feed, FeedingRecorder
from services.review.usecases.sweeping import sweep_overdue


DEV_ANALYTICS_KEY = "dev-only-analytics-key"


def analytics_key(settings: ServiceSettings) -> str:
    """ZC_ANALYTICS_KEY_SECRET: review's own key for the feed's pseudonymous keys (never the
    person_ref key). The development key is public, so only ZC_DEV_MODE accepts it."""
    own = settings if isinstance(settings, ReviewSettings) else ReviewSettings()  # review's own variables
    key = own.analytics_key_secret or DEV_ANALYTICS_KEY
    if key == DEV_ANALYTICS_KEY and not settings.dev_mode:
        raise SystemExit("refusing to start: ZC_ANALYTICS_KEY_SECRET is the development key; set a real one "
                         "(or ZC_DEV_MODE=1 on a development machine)")
    # Review does not hold the person_ref key (intake does); refuse it wherever it can be seen, and
    # review's own operator_ref key: the analytics key must link nothing else.
    others = {settings.person_ref_secret, own.person_ref_secret_as_given, DEV_PERSON_REF_SECRET,
              settings.operator_ref_secret} - {""}
    if key in others:
        raise SystemExit("refusing to start: ZC_ANALYTICS_KEY_SECRET must not be the person_ref key or another key")
    return key


def reaction_tables(recorder: Recorder, plans: PlanRegistry) -> dict[str, Reactions]:
    """review's reactions, by the topic each consumer group reads (the tests use this table too).
    The assessment is noted for the analysts' feed before the case opens (same transaction)."""
    return {
        topics.eligibility(): (Reactions(recorder, review_ports).add(when_assessed_note_for_feed)
                               .add(when_assessed_open_case(plans))),
        topics.applications(): (Reactions(recorder, review_ports).add(when_withdrawn_close_case(plans))
                                .add(when_filed_remember_application)),
    }


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ReviewSettings()
    own = settings if isinstance(settings, ReviewSettings) else ReviewSettings()  # review's own variables
    # Each case is decided and shown with the plan its application recorded (`plans`); ZC_PLAN (`plan`)
    # only names the season open for filing: the dashboard's `today` and the deadlines shown before
    # any case exists.
    plan, plans = load_plan(settings.plan), plan_registry(settings.plan)
    runtime = Runtime(settings, application_streams=[CASE])
    runtime.audit_extras.append(names_on_timeline)

    # Every append to a case stream also queues the analysts' feed message (adapters/feed.py).
    recorder = FeedingRecorder(lambda: runtime.store, topic=topics.review(), actor=SYSTEM_ACTOR,
                               feed=Feed(analytics_key(settings), plans))
    runtime.recorder, runtime.ports = recorder, review_ports
    runtime.subscriptions += [Subscription([topic], table.handle, wants=table.wants)
                              for topic, table in reaction_tables(recorder, plans).items()]
    # ZC_REVIEW_SWEEP_INTERVAL_SECONDS (default 60): how often cases past their stage deadline are closed
    runtime.periodic.append(PeriodicJob("review-deadline-sweep", lambda uow: sweep_overdue(uow, plans, clock.now()),
                                        every=own.review_sweep_interval_seconds))

    async def start_projection(rt: Runtime) -> None:
        app.state.projection = ProjectionRunner("review.case_view", rt.store, make_apply(rt.store))
        rt.spawn(app.state.projection.run, "review-projection")

    async def start_personal_publisher(rt: Runtime) -> None:
        # Units' authorised operators' contacts -> the compacted operators' topic
        app.state.personal_publisher = PersonalDataPublisher(rt.pool, settings.kafka_bootstrap, service="review",
                                                             kind=OPERATOR)
        rt.spawn(app.state.personal_publisher.run, "review-personal-data-publisher")

    async def stop_projection(_rt: Runtime) -> None:
        app.state.projection.stop()
        app.state.personal_publisher.stop()

    runtime.on_started.extend([start_projection, start_personal_publisher])
    runtime.on_stopping.append(stop_projection)
    follow(runtime, kinds=(APPLICANT,))  # applicants' names and ID masks for the exports, by person_ref
    app = build_app(runtime, title="zhicheng review",
                    description="The review chain: unit → public notice → construction authority → HR bureau → "
                                "city HR bureau → provincial committee.")
    app.state.settings, app.state.plan, app.state.plans, app.state.recorder = settings, plan, plans, recorder
    app.include_router(views_router)
    app.include_router(cases_router)
    app.include_router(units_router)
    app.include_router(staff_router)
    app.state.staff = StaffDirectory()
    app.state.on_caller = lambda who: app.state.staff.remember(runtime.pool, who)
    return app
