"""Feeding envelopes to notify's reactions in one transaction, as its consumer does."""
from __future__ import annotations

from contracts.envelope import Envelope
from contracts.plan import load_plan
from services.notify.domain.templates import load_catalogue
from services.notify.reactions.when_case_moves_track_waiting import when_case_moves_track_waiting
from services.notify.reactions.when_event_plan_messages import when_event_plan_messages
from services.notify.templates import read_catalogue_text

PLAN = load_plan("shaoxing-2020")
CATALOGUE = load_catalogue(read_catalogue_text(PLAN.plan_id))


async def consume(store, *envelopes: Envelope) -> None:
    async with store.pool.acquire() as conn, conn.transaction():
        for e in envelopes:
            await when_case_moves_track_waiting(PLAN, conn, e)
            await when_event_plan_messages(store, PLAN, CATALOGUE, conn, e)
