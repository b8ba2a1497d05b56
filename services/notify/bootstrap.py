"""Composition root of notify: directory + deliveries from events, the dispatcher, the gateway,
the waiting-cases read model and the deadline reminders (a periodic job)."""
from __future__ import annotations

import json
import uuid
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Annotated
from datetime import UTC, datetime

from fastapi import FastAPI, Request, Response

from contracts import topics
from contracts.personal_record import APPLICANT, OPERATOR
from contracts.events import CaseMovedTo, CaseOpened
from contracts.plan import load_plan, plan_registry
from contracts.envelope import Role
from plumbing import clock
from plumbing.core.application import Recorder
from plumbing.core.reactions import Reactions
from plumbing.core.periodic import PeriodicJob
from plumbing.core.unit_of_work import PostgresUnitOfWork
from plumbing.edges.metrics import GaugeQuery
from plumbing.logging import get_logger
from plumbing.core.personal_data import follow
from plumbing.core.reads import record_read
from plumbing.runtime import Runtime, Subscription, build_app
from plumbing.edges.security import Caller, caller
from services.notify.adapters.audit_deliveries import deliveries_of, persons_of, reminder_persons
from plumbing.edges import pages
from plumbing.edges.openapi import PAGE_HEADERS, contract
from services.notify.adapters import answers
from services.notify.adapters.gateway_http import HttpSmsGateway
from services.notify.adapters.gateway_recording import RecordingGateway
from services.notify.adapters.dispatcher import Dispatcher
from services.notify.adapters.ports_pg import notify_ports
from services.notify.domain.departments import department_contacts
from services.notify.domain.references import FILINGS
from services.notify.domain.templates import load_catalogue
from services.notify.reactions.when_case_moves_track_waiting import when_case_moves_track_waiting
from services.notify.reactions.when_contact_named_record_it import when_contact_named_record_it
from services.notify.domain.recipients import CONTACT_SOURCES
from services.notify.reactions.when_event_plan_messages import EVENTS, when_event_plan_messages
from services.notify.reactions.when_filed_remember_application import (
    require_known_application, when_filed_remember_application,
)
from services.notify.settings import NotifySettings
from services.notify.templates import read_catalogue_text, read_department_contacts
from services.notify.usecases.erasure import when_person_erased
from services.notify.usecases.planning import Plans, replan_for_person
from services.notify.usecases.recording import NOTIFY_ACTOR
from services.notify.usecases.reminding import run_reminders, seed_department_contacts
from services.notify.usecases.resending import resend
from services.notify.usecases.status import delivery_status, my_deliveries, reminder_status
from plumbing.core.idempotency import request_fingerprint, run_in, scoped
from fastapi.responses import JSONResponse
from services.notify.domain.streams import NOTIFICATION

log = get_logger(__name__)
# SMS texts name people and reasons: only the city HR bureau (the operator) and auditors read them.
Operator = Annotated[Caller, caller(Role.CITY_HR_BUREAU, Role.AUDITOR)]
# Sending an SMS again is the season operator's decision (the city HR bureau), not an auditor's.
Resender = Annotated[Caller, caller(Role.CITY_HR_BUREAU)]


def notify_plans(open_plan: str) -> Plans:
    """Every plan notify can decide with (the shipped ones and the one open for filing) and each
    plan's texts; a broken or missing template catalogue stops start-up."""
    registry = plan_registry(open_plan)
    catalogues = {plan_id: load_catalogue(read_catalogue_text(plan_id)) for plan_id in {p.plan_id for p in registry}}
    return Plans(registry, catalogues, open=load_plan(open_plan))


def reaction_tables(recorder: Recorder, plans: Plans) -> list[tuple[tuple[str, ...], Reactions]]:
    """notify's reactions, by the topics each consumer group reads (the tests use this table too).

    An assessment or review step is planned only once its application is known (filed); it waits
    for its filing while the filings flow on in a consumer group of their own. The first group
    keeps its name (`<prefix>-notify-0`), offsets and inbox from when it also read the filings."""
    planning = when_event_plan_messages(plans)
    upstream = [t for t in EVENTS if t not in FILINGS]
    referring = (Reactions(recorder, notify_ports)
                 .add(require_known_application, *dict.fromkeys((*upstream, CaseOpened, CaseMovedTo)))
                 .add(when_case_moves_track_waiting)
                 .add(when_contact_named_record_it, *(t for t in CONTACT_SOURCES if t not in FILINGS))
                 .add(planning, *upstream))
    filings = (Reactions(recorder, notify_ports).add(when_filed_remember_application)
               .add(when_contact_named_record_it, *FILINGS).add(planning, *FILINGS))
    return [((topics.eligibility(), topics.review()), referring), ((topics.applications(),), filings)]


def create_app(settings: NotifySettings | None = None) -> FastAPI:
    settings = settings or NotifySettings()
    plans = notify_plans(settings.plan)  # each application's texts and reminders follow its own plan
    plan = plans.open  # the open season: its department contacts and the dispatcher's quiet-hours zone
    # The platform's template codes (operator data) over the open season's shipped placeholders.
    catalogue = with_template_codes(plans.catalogues[plan.plan_id], settings.sms_template_codes)
    plans = replace(plans, catalogues={**plans.catalogues, plan.plan_id: catalogue})
    departments = department_contacts(read_department_contacts(settings.notify_department_contacts), plan)
    runtime = Runtime(settings, application_streams=[NOTIFICATION])
    runtime.audit_extras.append(deliveries_of)
    runtime.metrics.add_query(GaugeQuery(
        "zc_sms_deliveries", "SMS deliveries by status (pending includes those held by quiet hours or rate limits)",
        "SELECT status, count(*) FROM deliveries GROUP BY status", ("status",),
        defaults=tuple((status,) for status in DELIVERY_STATES)))

    recorder = Recorder(lambda: runtime.store, topic=topics.notifications(), actor=NOTIFY_ACTOR)
    runtime.recorder, runtime.ports = recorder, notify_ports
    groups = reaction_tables(recorder, plans)
    runtime.subscriptions += [Subscription(list(group), table.handle, wants=table.wants) for group, table in groups]
    # names and phones, by person_ref; events that waited for a person are planned when they are known
    replan = replan_for_person(plans)
    follow(runtime, kinds=(APPLICANT, OPERATOR), on_erased=lambda conn, ref: when_person_erased(_joined(conn), ref),
           on_known=lambda conn, ref: replan(_joined(conn), ref))

    def _joined(conn) -> PostgresUnitOfWork:
        """The personal-data follower's transaction (one per record), as a unit of work."""
        return PostgresUnitOfWork(None, recorder, notify_ports, conn=conn)

    app = build_app(runtime, title="zhicheng notify", description="12333 SMS: once per event, never a full ID number.")

    async def start_dispatcher(rt: Runtime) -> None:
        refuse_stub_outside_development(settings)
        if settings.sms_gateway == "http":
            gateway = HttpSmsGateway(settings.sms_url, settings.sms_api_key, timeout=settings.sms_timeout_seconds,
                                     policy=settings.gateway_policy())
        else:
            gateway = RecordingGateway(rt.pool)
        app.state.dispatcher = Dispatcher(rt.pool, rt.unit_of_work, gateway, tz=plan.timezone, quiet=settings.quiet(),
                                          windows=settings.windows(), policy=settings.round_policy(),
                                          wall_offset=clock.offset,  # read per message: the season clock may move
                                          crash_after_send=settings.notify_crash_after_send,
                                          sign_name=catalogue.sign_name, check_bound=settings.check_bound(),
                                          check_every=settings.check_every())
        rt.spawn(app.state.dispatcher.run, "notify-dispatcher")

    async def seed_contacts(rt: Runtime) -> None:
        async with rt.unit_of_work() as uow:
            await seed_department_contacts(uow, departments)

    # the season clock, read as a day in each plan's zone
    runtime.periodic.append(PeriodicJob("notify-reminders", lambda uow: run_reminders(uow, plans, clock.now()),
                                        every=settings.notify_reminder_interval_seconds))

    async def stop_tasks(_rt: Runtime) -> None:
        app.state.dispatcher.stop()

    runtime.on_started.extend([seed_contacts, start_dispatcher])  # contacts before the first reminders run
    runtime.on_stopping.append(stop_tasks)

    @app.get("/notifications/{application_id}", tags=["notify"], summary="What was sent to whom and when",
             **contract("readNotifications", answers.Deliveries, headers=PAGE_HEADERS))
    async def status(request: Request, response: Response, application_id: uuid.UUID, _who: Operator,
                     limit: pages.Limit = pages.DEFAULT_LIMIT, cursor: pages.Cursor = None) -> dict:
        async with runtime.unit_of_work() as uow:  # SMS texts and numbers: personal
            answer = await delivery_status(uow, application_id)
        await record_read(request, "SMS texts", str(application_id), await persons_of(runtime.pool, application_id))
        # An application's deliveries only grow, in the order they were planned: a position is a stable key.
        shown, next_cursor = pages.after(list(enumerate(answer["deliveries"], 1)), cursor, limit, lambda d: d[0])
        answer["deliveries"] = [d for _, d in shown]
        return _paged(request, response, answer, next_cursor)

    @app.post("/deliveries/{notification_id}/resend", tags=["notify"],
              summary="Send again an SMS whose fate the platform never told (zc sms resend)",
              **contract("resendDelivery", answers.Resent, fails=(404, 409)))
    async def resend_delivery(request: Request, notification_id: uuid.UUID, who: Resender) -> JSONResponse:
        by = who.uid or who.org or who.role.value

        async def action(uow):
            return 200, await resend(uow, notification_id, by, datetime.now(UTC))

        status_code, answer = await run_in(runtime.unit_of_work(), scoped(None, who.key),
                                           request_fingerprint("resend", str(notification_id)), action)
        return JSONResponse(answer, status_code=status_code)

    @app.get("/notifications/{application_id}/mine", tags=["notify"], summary="The SMS sent to me about my application",
             **contract("readMyNotifications", answers.MyDeliveries, headers=PAGE_HEADERS))
    async def mine(request: Request, response: Response, application_id: uuid.UUID,
                   who: Annotated[Caller, caller(Role.APPLICANT)], limit: pages.Limit = pages.DEFAULT_LIMIT,
                   cursor: pages.Cursor = None) -> dict:
        async with runtime.unit_of_work() as uow:
            deliveries = await my_deliveries(uow, application_id, who.person_ref)
        shown, next_cursor = pages.after(list(enumerate(deliveries, 1)), cursor, limit, lambda d: d[0])
        return _paged(request, response, {"application_id": str(application_id),
                                          "deliveries": [d for _, d in shown]}, next_cursor)

    @app.get("/reminders", tags=["notify"], summary="Deadline reminders planned, to whom, and how they ended",
             **contract("readReminders", answers.Reminders, headers=PAGE_HEADERS))
    async def reminders(request: Request, response: Response, _who: Operator, limit: pages.Limit = pages.DEFAULT_LIMIT,
                        cursor: pages.Cursor = None) -> dict:
        key = pages.decode(cursor, 4)
        try:
            after = (str(key[0]), -int(key[1]), str(key[2]), str(key[3])) if key else None
        except ValueError:
            raise pages.bad_cursor() from None
        async with runtime.unit_of_work() as uow:
            answer = await reminder_status(uow)
        # The departments' and units' contacts (names in the texts, masked numbers): a look-up of
        # contact data, recorded before the answer (refused with 503 if it cannot be).
        await record_read(request, "department contacts", "reminders", await reminder_persons(runtime.pool))

        def order(r: dict) -> tuple:  # by deadline, the earliest reminder first (days before, descending)
            return (r["deadline"], -r["days_before"], r["org_id"], r["event_id"])
        rows = sorted((r for r in answer["reminders"] if after is None or order(r) > after), key=order)
        answer["reminders"], next_cursor = pages.page(
            rows, limit, lambda r: (r["deadline"], r["days_before"], r["org_id"], r["event_id"]))
        return _paged(request, response, answer, next_cursor)

    return app


DELIVERY_STATES = ("pending", "sending", "checking", "sent", "failed", "unknown")


def with_template_codes(catalogue: Catalogue, path: str | None) -> Catalogue:
    """The platform's template codes from the operator's file ({template: code}) over the shipped
    placeholders; a code for a template the catalogue lacks is refused at start-up."""
    if not path:
        return catalogue
    codes = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(codes, dict) or (unknown := set(codes) - set(catalogue.templates)):
        raise SystemExit(f"ZC_SMS_TEMPLATE_CODES: not a {{template: code}} object of known templates ({path})")
    return replace(catalogue, codes=MappingProxyType({**catalogue.codes, **{k: str(v) for k, v in codes.items()}}))


def refuse_stub_outside_development(settings: NotifySettings) -> None:
    """The recording gateway sends nothing to anyone: outside development a season on it would
    tell nobody anything while every status said sent. Only ZC_DEV_MODE runs it."""
    if settings.sms_gateway == "http":
        return
    if settings.sms_gateway != "record" or not settings.dev_mode:
        raise SystemExit(f"refusing to start: ZC_SMS_GATEWAY={settings.sms_gateway!r}; set ZC_SMS_GATEWAY=http with the "
                         "provider's address (the recording stub is for development only, ZC_DEV_MODE=1)")
    log.warning("notify.sms_stub", detail="ZC_SMS_GATEWAY=record: messages are recorded, not sent")


def _paged(request: Request, response: Response, answer: dict, next_cursor: str | None) -> dict:
    answer["next_cursor"] = next_cursor
    pages.link(request, response, next_cursor)
    return answer
