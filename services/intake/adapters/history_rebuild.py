"""`zc replay intake.history`: intake's history-fed read models (projections/history.py) written
through its PostgreSQL ports on the rebuild's connection (plumbing/core/rebuild.py)."""
from __future__ import annotations

from services.intake.adapters.ports_pg import intake_ports
from services.intake.projections import history


def make_apply(_store):
    async def apply(conn, events) -> None:
        await history.apply(intake_ports(conn), events)
    return apply
