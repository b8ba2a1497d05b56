"""Any consumed event -> the waiting_cases read model (who must act on each open case).

Runs in the consumer's transaction beside when_event_plan_messages, so the inbox makes a
redelivered event a no-op here too. Events of an application arrive in order (one partition).
"""
from __future__ import annotations

from contracts.envelope import Envelope
from contracts.events import ReviewLevel
from contracts.plan import Plan
from plumbing.logging import get_logger
from services.notify.domain.waiting import Left, MovedTo, Opened, change_for, org_at

log = get_logger(__name__)


async def when_case_moves_track_waiting(plan: Plan, conn, envelope: Envelope) -> None:
    change = change_for(envelope)
    if isinstance(change, Opened):
        await conn.execute(
            "INSERT INTO waiting_cases (application_id, unit_org, area, level, org_id) VALUES ($1,$2,$3,$4,$2)"
            " ON CONFLICT (application_id) DO UPDATE SET unit_org = EXCLUDED.unit_org, area = EXCLUDED.area,"
            " level = EXCLUDED.level, org_id = EXCLUDED.org_id, updated_at = now()",
            change.application_id, change.unit_org, change.area, ReviewLevel.UNIT.value)
    elif isinstance(change, MovedTo):
        row = await conn.fetchrow("SELECT unit_org, area FROM waiting_cases WHERE application_id = $1",
                                  change.application_id)
        if row is None:  # opened before notify kept this model, or already left: nothing to move
            return
        try:
            org = org_at(plan, row["area"], change.level, row["unit_org"])
        except KeyError:  # an area the plan does not know: no reminder, but never block the SMS
            log.warning("waiting.unknown_area", area=row["area"])
            return
        await conn.execute("UPDATE waiting_cases SET level = $2, org_id = $3, updated_at = now()"
                           " WHERE application_id = $1", change.application_id, change.level.value, org)
    elif isinstance(change, Left):
        await conn.execute("DELETE FROM waiting_cases WHERE application_id = $1", change.application_id)
