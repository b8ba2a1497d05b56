"""Feeding envelopes to notify's reactions in one transaction, as its consumer does."""
from __future__ import annotations

from contracts import topics
from contracts.envelope import Envelope
from contracts.plan import load_plan
from contracts.registry import decode
from contracts.upcasters import FIRST_PLAN_ID, FIRST_PLAN_VERSION
from plumbing.core import personal_data
from plumbing.core.application import Recorder
from plumbing.core.unit_of_work import PostgresUnitOfWork
from services.notify.adapters.ports_pg import notify_ports
from services.notify.bootstrap import notify_plans, reaction_tables
from services.notify.domain.references import referred_application
from services.notify.domain.templates import load_catalogue
from services.notify.templates import read_catalogue_text
from services.notify.usecases.planning import recorded_plan
from services.notify.usecases.recording import NOTIFY_ACTOR
from tests.integration.notify.events import personal_record

PLAN = load_plan("shaoxing-2020")
FIRST_PLAN = (FIRST_PLAN_ID, FIRST_PLAN_VERSION)
CATALOGUE = load_catalogue(read_catalogue_text(PLAN.plan_id))
PLANS = notify_plans("shaoxing-2020")  # the shipped plans and their texts, as notify starts with


def recorder_for(store) -> Recorder:
    return Recorder(store, topic=topics.notifications(), actor=NOTIFY_ACTOR)


def units(store):
    """notify's unit-of-work factory on this store (the periodic-job runner's, the dispatcher's)."""
    return lambda: PostgresUnitOfWork(store.pool, recorder_for(store), notify_ports)


async def consume(store, *envelopes: Envelope, personal: bool = True, plans=PLANS) -> None:
    """As notify's consumers would, with the bootstrap's own reaction table: the applicant's
    personal record first (from the personal-data topic, unless `personal` is False), then the
    event. Each application counts as filed (its filing is the other consumer group's), under the
    plan the event records, else the first plan."""
    tables = [table for _topics, table in reaction_tables(recorder_for(store), plans)]
    async with store.pool.acquire() as conn, conn.transaction():
        for e in envelopes:
            if personal and (record := personal_record(e)):
                key, value, kind = record
                await personal_data.apply(conn, key, value, kind=kind)
            if application_id := referred_application(payload := decode(e)):
                await notify_ports(conn).known.remember(application_id, *(recorded_plan(payload) or FIRST_PLAN))
            for table in tables:
                await table.handle(conn, e)
