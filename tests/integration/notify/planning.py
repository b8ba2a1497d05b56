"""Feeding envelopes to notify's reactions in one transaction, as its consumer does."""
from __future__ import annotations

from contracts import topics
from contracts.envelope import Envelope
from contracts.plan import load_plan
from plumbing.core import personal_data
from plumbing.core.application import Reactions, Recorder
from services.notify.domain.templates import load_catalogue
from services.notify.reactions.when_case_moves_track_waiting import when_case_moves_track_waiting
from services.notify.reactions.when_event_plan_messages import EVENTS, when_event_plan_messages
from services.notify.templates import read_catalogue_text
from services.notify.usecases.recording import NOTIFY_ACTOR
from tests.integration.notify.events import personal_record

PLAN = load_plan("shaoxing-2020")
CATALOGUE = load_catalogue(read_catalogue_text(PLAN.plan_id))


def recorder_for(store) -> Recorder:
    return Recorder(store, topic=topics.notifications(), actor=NOTIFY_ACTOR)


def reactions_for(store) -> Reactions:
    recorder = recorder_for(store)
    return (Reactions(recorder).add(when_case_moves_track_waiting)
            .add(when_event_plan_messages(recorder, PLAN, CATALOGUE), *EVENTS))


async def consume(store, *envelopes: Envelope) -> None:
    """As notify's consumers would: the applicant's personal record first (from the personal-data
    topic), then the event."""
    reactions = reactions_for(store)
    async with store.pool.acquire() as conn, conn.transaction():
        for e in envelopes:
            if record := personal_record(e):
                key, value, kind = record
                await personal_data.apply(conn, key, value, kind=kind)
            await reactions.handle(conn, e)
