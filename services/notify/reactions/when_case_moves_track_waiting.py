"""CaseOpened / CaseMovedTo -> the waiting cases (who must act on each open case).

Runs in the consumer's unit of work, so the inbox makes a redelivered event a no-op here too.
Events of an application arrive in order (one partition).
"""
from __future__ import annotations

from contracts.events import CaseMovedTo, CaseOpened
from plumbing.core.application import Context
from services.notify.domain.waiting import Left, change_for


async def when_case_moves_track_waiting(event: CaseOpened | CaseMovedTo, ctx: Context) -> None:
    change = change_for(event)
    if isinstance(change, Left):
        await ctx.ports.waiting.leave(change.application_id)
        return
    await ctx.ports.waiting.track(change.application_id, change.level.value, change.org_id)
