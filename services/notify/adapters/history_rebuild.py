"""`zc replay notify.history`: notify's history-fed read models (projections/history.py) written
through its PostgreSQL ports on the rebuild's connection (plumbing/core/rebuild.py)."""
from __future__ import annotations

from services.notify.adapters.ports_pg import notify_ports
from services.notify.projections import history


def make_apply(_store):
    async def apply(conn, events) -> None:
        await history.apply(notify_ports(conn), events)
    return apply
