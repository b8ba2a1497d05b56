"""Composition root of intake: the only place that knows PostgreSQL and Kafka."""
from __future__ import annotations


from fastapi import FastAPI

from contracts import topics
from contracts.personal_record import APPLICANT
from contracts.plan import load_plan, plan_registry
from plumbing.runtime import Runtime, Subscription, build_app
from plumbing.settings import ServiceSettings
from plumbing.core.application import Recorder
from plumbing.core.reactions import Reactions
from services.intake.adapters.api import router
from services.intake.adapters.api_persons import router as persons_router
from services.intake.adapters.documents import router as documents_router
from services.intake.usecases.drafts import expire_drafts
from plumbing import clock
from plumbing.core.periodic import PeriodicJob
from contracts.limits import DOCUMENT_UPLOAD_MAX_BYTES
from plumbing.core.personal_publisher import PersonalDataPublisher
from services.intake.adapters.vault import KeyVault, master_key
from services.intake.adapters.ports_pg import intake_ports
from services.intake.reactions.when_archive_changes_record_entry import (
    when_archive_entry_added_record_it, when_archive_entry_judged_record_status)
from services.intake.reactions.when_returned_record_return import when_returned_record_return
from services.intake.reactions.when_unit_authorized_record_unit import when_unit_authorized_record_unit
from services.intake.domain.streams import APPLICATION
from services.intake.settings import IntakeSettings
from services.intake.usecases.filing import INTAKE_ACTOR



def reaction_tables(recorder: Recorder) -> dict[str, Reactions]:
    """intake's reactions, by the topic its consumer group reads (the tests use this table too)."""
    return {topics.review(): (Reactions(recorder, intake_ports)
                              .add(when_returned_record_return)
                              .add(when_archive_entry_added_record_it)
                              .add(when_archive_entry_judged_record_status)
                              .add(when_unit_authorized_record_unit))}


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    plan = load_plan(settings.plan)
    runtime = Runtime(settings, application_streams=[APPLICATION])

    recorder = Recorder(lambda: runtime.store, topic=topics.applications(), actor=INTAKE_ACTOR)
    # The data keys' vault exists once the service started (it checks the master key then).
    runtime.recorder, runtime.ports = recorder, lambda conn: intake_ports(conn, getattr(app.state, "vault", None))
    runtime.subscriptions += [Subscription([topic], table.handle, wants=table.wants)
                              for topic, table in reaction_tables(recorder).items()]
    # The filing routes (submit, resubmit, withdraw) are the door the season's rush comes through:
    # bounded in total and per principal (plumbing/edges/inflight.py).
    app = build_app(runtime, title="zhicheng intake",
                    description="Applicants file, resubmit and withdraw applications (个人申报).",
                    in_flight=lambda method, path: method == "POST" and path.startswith("/applications"))
    # `plan`: the plan open for filing (ZC_PLAN), which a new application records; `plans`: every plan
    # an application may have recorded, which decides a resubmission's deadline.
    app.state.settings, app.state.plan, app.state.recorder = settings, plan, recorder
    app.state.plans = plan_registry(settings.plan)

    async def start_publisher(rt: Runtime) -> None:
        # After the runtime's own check of the development secrets: no master key, no start.
        own = settings if isinstance(settings, IntakeSettings) else IntakeSettings()  # intake's own variables
        app.state.vault = KeyVault(master_key(own.personal_data_master_key, settings.dev_mode))
        app.state.personal_publisher = PersonalDataPublisher(rt.pool, settings.kafka_bootstrap, service="intake",
                                                             kind=APPLICANT)
        rt.spawn(app.state.personal_publisher.run, "intake-personal-data-publisher")

    async def stop_publisher(_rt: Runtime) -> None:
        app.state.personal_publisher.stop()

    runtime.on_started.append(start_publisher)
    runtime.on_stopping.append(stop_publisher)
    app.include_router(router)
    app.include_router(persons_router)
    app.include_router(documents_router)
    app.state.body_limit_paths["/documents"] = DOCUMENT_UPLOAD_MAX_BYTES  # the upload door's own bound
    runtime.periodic.append(PeriodicJob("intake-expired-drafts", lambda uow: expire_drafts(uow, clock.now()), every=3600))
    return app
