"""Review's UnitAuthorized -> intake's authorised units: from then on the unit's staff may name it
as their employer and file (附件1 一.2; 附件2 一.1 授权委托证明)."""
from __future__ import annotations

from contracts.events import UnitAuthorized
from plumbing.core.application import Context


async def when_unit_authorized_record_unit(e: UnitAuthorized, ctx: Context) -> None:
    await ctx.ports.units.authorise(e.unit_id, e.unit_name)
