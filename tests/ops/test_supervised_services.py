"""supervisord restarts a service killed with -9; what was accepted before and during is not lost."""
from __future__ import annotations

import asyncio
import signal

import asyncpg

from zc.chaos import ledger
from zc.chaos.load import ChaosLoad


async def until_complete(stack, load, timeout: float = 90) -> ledger.Verdict:
    """Until every filed application reached its Fate (the units' reviewers acting on their own)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        verdict = await ledger.read(stack.dsn, load.expected())
        if verdict.complete or asyncio.get_running_loop().time() > deadline:
            return verdict
        await asyncio.sleep(0.5)


async def filing_years(stack) -> list[int]:
    conn = await asyncpg.connect(stack.dsn("intake"))
    try:
        rows = await conn.fetch("SELECT DISTINCT extract(year FROM occurred_at)::int AS y FROM events"
                                " WHERE event_type = 'ApplicationSubmitted'")
    finally:
        await conn.close()
    return [r["y"] for r in rows]


async def test_a_service_killed_with_sigkill_is_restarted_ready_and_nothing_filed_is_lost(supervised):
    load = ChaosLoad(supervised.url, patience=90)
    try:
        await load.start()
        await load.top_up(6)
        assert all([await load.file_next() for _ in range(3)])
        before = supervised.supervisor.pid("intake")
        supervised.supervisor.kill("intake", signal.SIGKILL)
        filed_while_down = [await load.file_next() for _ in range(3)]  # retried until intake answers again
        assert all(filed_while_down)
        after = supervised.supervisor.pid("intake")
        assert after and after != before
        assert supervised.supervisor.is_ready(next(p for p in supervised.supervisor.programs if p.name == "intake"))
        verdict = await until_complete(supervised, load)
        assert verdict.missing == {} and verdict.twice == {}
        assert len(load.expected()) == 6 and load.out.decisions  # and the units acted on them
        assert await filing_years(supervised) == [2020]  # before and after the restart: the season's clock
    finally:
        await load.close()
