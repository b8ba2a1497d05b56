"""The chaos run: for each fault, a phase of load with the fault in the middle, then the ledger.

A phase: filings and unit decisions start; once some are in flight the fault is injected, held,
healed; the load finishes; then we wait (up to `settle` seconds) until every application the phase
filed has reached its expected state. *Recovery* is the time from the fault's end (for kill -9: the
kill; supervisord does the rest) until then. A poison phase also waits until every consumer of the
topic set the poison aside (dead-letter count, from /metrics).
"""
from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass

from zc.chaos import ledger
from zc.chaos.faults import Fault, available
from zc.chaos.load import ChaosLoad
from zc.chaos.stack import ChaosStack
from zc.supervise import SERVICES

CONSUMERS_OF_APPLICATIONS = 3  # eligibility, review (withdrawals), notify


@dataclass
class Row:
    fault: str
    in_flight: int = 0
    lost: int = 0
    duplicated: int = 0
    stuck: int = 0
    recovery_s: float | None = None
    note: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.lost or self.duplicated or self.stuck)


@dataclass(frozen=True)
class Sizes:
    spacing: float = 0.3  # seconds between filings (one at a time: a few per second, on 2 shared cores)
    lead_in: float = 2.0  # seconds of load before the fault
    tail: float = 3.0  # seconds of load after the fault ended
    settle: float = 90.0  # seconds to wait for every application to reach its state
    ready: float = 120.0  # seconds for every service to answer /readyz 200 after a phase


async def _file(load: ChaosLoad, spacing: float, stop: asyncio.Event, filed_at: dict[str, float]) -> None:
    """The applicants file beside the units' reviewers (ChaosLoad runs them for the whole run: a
    paused review service holds them, not the filings)."""
    while not stop.is_set():
        if application_id := await load.file_next():
            filed_at[application_id] = time.monotonic()
        await asyncio.sleep(spacing)


async def run_phase(stack: ChaosStack, load: ChaosLoad, fault: Fault, sizes: Sizes) -> Row:
    row = Row(fault.name)
    urls = [stack.url(s) for s in SERVICES]
    # Applications ready to file for the whole phase (a kill's restart is mostly spent retrying one).
    await load.top_up(math.ceil((sizes.lead_in + fault.hold + sizes.tail + 10) / sizes.spacing))
    already = set(load.filed)
    dead_before = await ledger.dead_letters(urls) if fault.poisons else 0
    dup_before = await ledger.provider_duplicates(stack.url("sms"))
    filed_at: dict[str, float] = {}
    stop = asyncio.Event()
    loader = asyncio.create_task(_file(load, sizes.spacing, stop, filed_at))
    await asyncio.sleep(sizes.lead_in)
    mine = lambda: {a: e for a, e in load.expected().items() if a not in already}  # noqa: E731
    at_inject = await ledger.read(stack.dsn, mine())
    started = time.monotonic()
    notes = [await fault.inject(stack)]
    await asyncio.sleep(fault.hold)
    notes.append(await fault.heal(stack))
    ended = time.monotonic()
    await asyncio.sleep(sizes.tail)
    stop.set()
    await loader
    row.in_flight = len(at_inject.missing) + sum(started <= t <= ended + sizes.tail for t in filed_at.values())
    row.note = "; ".join(n for n in notes if n)
    deadline = ended + sizes.settle
    poison_seen = not fault.poisons
    while True:
        verdict = await ledger.read(stack.dsn, mine())
        if fault.poisons and not poison_seen:
            poison_seen = await ledger.dead_letters(urls) - dead_before >= fault.poisons * CONSUMERS_OF_APPLICATIONS
        if (verdict.complete and poison_seen) or time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    if verdict.complete and poison_seen:
        row.recovery_s = time.monotonic() - (started if fault.instant else ended)
    row.duplicated = len(verdict.twice) + await ledger.provider_duplicates(stack.url("sms")) - dup_before
    notes = [row.note]
    if verdict.missing:
        waiting = await ledger.work_waiting(urls)
        missing = "; ".join(f"{a[:8]} {', '.join(m)}" for a, m in list(verdict.missing.items())[:2])
        if waiting:
            row.stuck = len(verdict.missing)
            notes.append("still queued: " + ", ".join(f"{k}={v:.0f}" for k, v in sorted(waiting.items())))
        else:
            row.lost = len(verdict.missing)
            notes.append("nothing left queued")
        notes.append(f"missing: {missing}")
    if fault.poisons:
        notes.append("dead-lettered by every consumer" if poison_seen else "NOT set aside by every consumer")
        row.stuck += 0 if poison_seen else 1
    if verdict.twice:
        notes.append("twice: " + "; ".join(f"{a[:8]} {', '.join(t)}" for a, t in list(verdict.twice.items())[:2]))
    row.note = "; ".join(n for n in notes if n)
    return row


async def run(faults: list[Fault], sizes: Sizes, *, say=print, keep: bool = False,
              stack: ChaosStack | None = None) -> list[Row]:
    """Run every fault's phase; with `stack`, on that running stack (left running), else on a new one."""
    own = stack is None
    if own:
        stack = ChaosStack()
        say(f"chaos: starting the services under supervisord (run {stack.run_id}, logs {stack.supervisor.run_dir})")
        await asyncio.to_thread(stack.start)
    load = ChaosLoad(stack.url)
    rows = []
    try:
        await load.start()
        rows.append(await run_phase(stack, load, Fault("(no fault: baseline)", "none", _noop), sizes))
        say(f"chaos: {rows[-1]}")
        for fault in faults:
            if reason := available(fault):
                rows.append(Row(fault.name, note=reason))
                continue
            say(f"chaos: {fault.name} …")
            wedged = [r.fault for r in rows if r.stuck]
            rows.append(await run_phase(stack, load, fault, sizes))
            # Part of the fault's verdict: every service ready again (alive is not enough: a loop
            # inside it may be down, see plumbing/workers.py), its reasons in the note if not.
            try:
                await asyncio.to_thread(stack.supervisor.wait_ready, None, sizes.ready)
            except RuntimeError as exc:
                rows[-1].stuck += 1
                rows[-1].note = f"{rows[-1].note}; {exc}".strip("; ")
            if wedged:  # its own verdict cannot be told apart from the earlier fault's
                rows[-1].note = f"after unrecovered {wedged[0]!r}; " + rows[-1].note
            say(f"chaos: {rows[-1]}")
    finally:
        await load.close()
        failed = any(r.failed for r in rows)
        if own:
            await stack.stop(keep_logs=keep or failed)
        if keep or failed:
            say(f"chaos: logs in {stack.supervisor.run_dir}")
    return rows


async def _noop(_stack: ChaosStack) -> None:
    return None
