"""The time plan of a run: each section's budget and what it is spent on, printed at the start;
where the time went (set-up, each measurement, tear-down), printed as it goes and in the report."""
from __future__ import annotations

import contextlib
import time

from zc.bench.config import Config

# our parts (each `runs` windows) and the peers' figures (each `peer_runs` windows)
OUR_PARTS = 7  # single, 10- and 100-event batches, reads, rebuild, relay, consumer
PEER_WINDOWS = 6  # eventsourcing: single, 10, 100 a save, reads, ProcessApplication, projection


def plan(c: Config, sections: list[str]) -> list[str]:
    lines = []
    if "season" in sections:
        lines.append(
            f"section 1, the season: budget {c.season_budget_seconds:g} s: four services started, then rates "
            f"{', '.join(f'{r:g}' for r in c.rates)} filings/s, each {c.step_seconds:g} s after its untimed set-up, "
            f"then the reviewers' drain and the check of every filing (≤ {c.settle_seconds:g} s); a rate whose step "
            "would overrun the budget is not started, and the report names it")
    if "parts" in sections:
        ours = OUR_PARTS * c.runs * c.run_seconds
        peers = (PEER_WINDOWS + 3) * c.peer_runs * c.run_seconds  # + pgbench, ProducerPerf., ConsumerPerf.
        lines.append(
            f"section 2, the parts: budget {c.parts_budget_seconds:g} s: our {OUR_PARTS} parts × {c.runs} windows × "
            f"{c.run_seconds:g} s = {ours:g} s; peers once each (eventsourcing {PEER_WINDOWS} figures, pgbench, "
            f"ProducerPerformance, ConsumerPerformance) ≈ {peers:g} s plus the JVMs' start; set-up: the "
            f"{c.history_events:,}-event histories (ours and the peer's at once, COPY) and a {c.relay_backlog:,}-row "
            "outbox backlog")
    return lines


class Phases:
    """Seconds spent per named phase of a section, in order; printed as each ends."""

    def __init__(self, section: str) -> None:
        self.section, self.spent, self.started = section, [], time.monotonic()

    @contextlib.contextmanager
    def phase(self, name: str):
        began = time.monotonic()
        try:
            yield
        finally:
            seconds = time.monotonic() - began
            self.spent.append((name, seconds))
            print(f"[{self.section}] {name}: {seconds:.1f} s (section at {self.elapsed():.0f} s)", flush=True)

    def elapsed(self) -> float:
        return time.monotonic() - self.started
