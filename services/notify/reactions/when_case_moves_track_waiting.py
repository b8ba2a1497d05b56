"""CaseOpened / CaseMovedTo -> the waiting_cases read model (who must act on each open case).

Runs in the consumer's transaction, so the inbox makes a redelivered event a no-op here too.
Events of an application arrive in order (one partition).
"""
from __future__ import annotations

from contracts.events import CaseMovedTo, CaseOpened
from plumbing.core.application import Context
from services.notify.domain.waiting import Left, change_for


async def when_case_moves_track_waiting(event: CaseOpened | CaseMovedTo, ctx: Context) -> None:
    change = change_for(event)
    if isinstance(change, Left):
        await ctx.conn.execute("DELETE FROM waiting_cases WHERE application_id = $1", change.application_id)
        return
    await ctx.conn.execute(
        "INSERT INTO waiting_cases (application_id, level, org_id) VALUES ($1, $2, $3)"
        " ON CONFLICT (application_id) DO UPDATE SET level = EXCLUDED.level, org_id = EXCLUDED.org_id,"
        " updated_at = now()", change.application_id, change.level.value, change.org_id)
