"""Section 1, the season: rising filing rates through the four real services, each step held for
`step_seconds` with reviewers acting, every filing checked for its expected end state and SMS."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg

from zc.bench.budget import Phases
from zc.bench.config import Config
from zc.bench.stats import pct
from zc.load.lag import LagSampler
from zc.load.procstat import Sampler, children
from zc.load.stack import SERVICES, Stack
from zc.load.verify import verify
from plumbing.child_env import child_environment

HELD_P99_MS = 2000  # the mark: a rate is held when the first-SMS p99 stays under 2 s


async def _events(stack: Stack) -> int:
    total = 0
    for service in SERVICES:
        conn = await asyncpg.connect(stack.dsn(service))
        try:
            total += await conn.fetchval("SELECT count(*) FROM events")
        finally:
            await conn.close()
    return total


RESULT_GRACE_SECONDS = 15  # from the generator's result written to its exit


def await_generator(proc: subprocess.Popen, out: Path, seconds: float) -> str | None:
    """Wait for the load generator: its exit, or at most `seconds`, or RESULT_GRACE_SECONDS once its
    result is written (what it still tears down then is not the step's). One still running is told to
    stop (it prints what each of its tasks was waiting for), then killed: reported as this step's
    problem, never a crash of the bench and never a wait for ever. Returns that problem, if any."""
    deadline, result_at = time.monotonic() + seconds, None
    while proc.poll() is None:
        now = time.monotonic()
        if result_at is None and out.exists() and out.stat().st_size:
            result_at = now
        if now > deadline or (result_at is not None and now - result_at > RESULT_GRACE_SECONDS):
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            late = (f"had not exited {RESULT_GRACE_SECONDS} s after writing its result" if result_at is not None
                    else f"did not finish within {seconds:g} s of its window")
            return f"the load generator {late}: stopped (what its tasks were waiting for is in the bench's output)"
        time.sleep(0.2)
    return None


class Season:
    def __init__(self, config: Config, kafka_pid: int | None, postmaster: int | None) -> None:
        self.c = config
        self.stack = Stack(uuid.uuid4().hex[:6], config.database_url, config.kafka, config.reports / "season-logs",
                           traced=config.tracing, access_log=config.access_log, trace_sample=config.trace_sample)
        self.kafka_pid, self.postmaster = kafka_pid, postmaster
        self.load_pid: list[int] = []

    def groups(self) -> dict:
        postmaster = self.postmaster
        groups = {name: (lambda n=name: [self.stack.procs[n].pid] if n in self.stack.procs else [])
                  for name in SERVICES}
        groups["load generator"] = lambda: list(self.load_pid)
        if postmaster:
            groups["postgresql"] = lambda: [postmaster, *children(postmaster)]
        if self.kafka_pid:
            groups["kafka"] = lambda: [self.kafka_pid]
        return groups

    def run(self) -> dict:
        phases = Phases("season")
        with phases.phase("set-up: four services started, topics created"):
            self.stack.start()
        sampler = Sampler(self.groups()).start()
        lag = LagSampler(self.c.kafka, self.stack.prefix + "-").start()
        steps, not_run = [], []
        try:
            for i, rate in enumerate(self.c.rates):
                expected = self.expected_seconds(steps, rate)
                if steps and phases.elapsed() + expected > self.c.season_budget_seconds:
                    not_run = [{"rate": r, "why": f"its step (≈ {expected:.0f} s: its set-up grows with the rate) "
                                f"would overrun the season's {self.c.season_budget_seconds:g} s budget at "
                                f"{phases.elapsed():.0f} s"} for r in self.c.rates[i:]]
                    print(f"[season] NOT RUN: {', '.join(f'{r:g}' for r in self.c.rates[i:])}/s: "
                          f"{not_run[0]['why']}", flush=True)
                    break
                with phases.phase(f"{rate:g} filings/s: set-up, {self.c.step_seconds:g} s window, drain, check"):
                    step = self.step(i, rate, sampler, lag)
                steps.append(step)
                print(f"[season] {rate:g}/s: {_one_line(step)}", flush=True)
                # A rate kept up with but not held (its latency over the mark) still says where the
                # throughput ends: the next rate runs; one not kept up with ends the climb.
                if not step["kept_up"]:
                    not_run = [{"rate": r, "why": f"{rate:g}/s was not kept up with (filings refused, or not all "
                                "reached their expected state with each SMS once)"} for r in self.c.rates[i + 1:]]
                    break
        finally:
            lag.stop()
            sampler.stop()
            with phases.phase("tear-down: services stopped, databases and topics dropped"):
                self.stack.teardown()
        held = [s for s in steps if s["held"]]
        return {"steps": steps, "best_held_rate": max((s["rate"] for s in held), default=None),
                "best_kept_up_rate": max((s["rate"] for s in steps if s["kept_up"]), default=None),
                "step_seconds": self.c.step_seconds, "not_run": not_run, "phases": phases.spent,
                "tracing": self.c.tracing, "trace_sample": self.c.trace_sample, "access_log": self.c.access_log, "spans": self._spans_written()}

    def _spans_written(self) -> int:
        return sum(sum(1 for _ in self.stack.spans(n).open(encoding="utf-8")) for n in SERVICES
                   if self.stack.spans(n).exists())

    def expected_seconds(self, steps: list[dict], rate: float) -> float:
        """The next step's length: the last set-up scaled to the new rate (the filings to prepare), and
        the window with its drain and check as long as the last one's, or as an overloaded step's
        (the reviewers' whole drain and the whole settling wait), whichever is longer."""
        if not steps:
            return self.c.step_seconds * 1.6
        last = steps[-1]
        overloaded = self.c.step_seconds + self.drain_seconds() + self.c.settle_seconds
        return last["setup_seconds"] * rate / last["rate"] + max(last["timed_seconds"], overloaded)

    def drain_seconds(self) -> float:
        return max(20.0, self.c.step_seconds / 2)

    def step(self, i: int, rate: float, sampler: Sampler, lag: LagSampler) -> dict:
        out = Path(tempfile.mkstemp(prefix="zc-load-", suffix=".json")[1])
        ready, go = out.with_suffix(".ready"), out.with_suffix(".go")
        env = child_environment(self.stack.env())
        drain = self.drain_seconds()
        proc = subprocess.Popen([sys.executable, "-m", "zc.load", "--intake", self.stack.url("intake"),
                                 "--review", self.stack.url("review"), "--rate", str(rate),
                                 "--seconds", str(self.c.step_seconds), "--seed", str(1000 + i),
                                 "--drain", str(drain), "--out", str(out), "--ready-file", str(ready),
                                 "--go-file", str(go)], env=env)
        self.load_pid[:] = [proc.pid]
        # The untimed set-up (units authorised, archive entries approved) first; the baselines after it.
        setup_began = time.monotonic()
        setup_deadline = setup_began + 120 + rate * self.c.step_seconds / 10
        while not ready.exists() and proc.poll() is None and time.monotonic() < setup_deadline:
            time.sleep(0.1)
        setup_seconds = time.monotonic() - setup_began
        print(f"[season] {rate:g}/s: set-up (units authorised, {int(rate * self.c.step_seconds)} applicants' archives "
              f"approved and known to intake): {setup_seconds:.0f} s", flush=True)
        events_before = asyncio.run(_events(self.stack))
        sampler.reset_peaks()
        lag.take()
        cpu_before, start = sampler.cpu(), time.time()
        go.write_text("go")
        waited = self.c.step_seconds + drain + 120
        try:
            stopped = await_generator(proc, out, waited)
        finally:
            ready.unlink(missing_ok=True)
            go.unlink(missing_ok=True)
        try:
            load = json.loads(out.read_text())
        except ValueError:
            load = {"filings": [], "resubmissions": [], "decisions": 0,
                    "errors": [f"the load generator did not finish within {waited:g} s of its window (or its set-up "
                               "did not end): stopped, this step has no figures"]}
        if stopped:
            load["errors"].insert(0, stopped)
        out.unlink()
        fates = {f["application_id"]: f["fate"] for f in load["filings"] if f["status"] == 201}
        verdict = self.settle(fates)
        end = time.time()
        cpu_after = sampler.cpu()
        self.load_pid.clear()
        events = asyncio.run(_events(self.stack)) - events_before
        load["errors"] += [f"lag sample missed (the figure has fewer samples): {e}" for e in lag.errors[:2]]
        lag.errors.clear()
        figures = self.figures(rate, load, verdict, start, end, events, cpu_before, cpu_after, sampler, lag.take())
        return {**figures, "setup_seconds": setup_seconds, "timed_seconds": time.monotonic() - setup_began - setup_seconds}

    def settle(self, fates: dict[str, str]):
        """Wait (bounded) until every filing reached its end state; the last SMS follows the last decision."""
        deadline = time.monotonic() + self.c.settle_seconds  # returns as soon as all arrived
        while True:
            verdict = asyncio.run(verify(self.stack.dsn("review"), self.stack.dsn("notify"), fates))
            if verdict.ok or time.monotonic() > deadline:
                return verdict
            time.sleep(1)

    def figures(self, rate, load, verdict, start, end, events, cpu_before, cpu_after, sampler, lags) -> dict:
        filings = load["filings"]
        accepted = [f for f in filings if f["status"] == 201]
        span = (max(f["answered"] for f in filings) - min(f["scheduled"] for f in filings)) if filings else 0
        http = [(f["answered"] - f["scheduled"]) * 1000 for f in accepted]
        by_id = {f["application_id"]: f for f in accepted}
        sms = [(at - by_id[app]["scheduled"]) * 1000 for app, at in verdict.first_sms_at.items() if app in by_id]
        per_1000 = {name: (cpu_after[name] - cpu_before.get(name, 0)) / max(1, len(accepted)) * 1000
                    for name in cpu_after}
        p99 = pct(sms, 99)
        kept_up = bool(accepted) and len(accepted) == len(filings) and verdict.ok and len(sms) == len(accepted)
        held = kept_up and p99 is not None and p99 < HELD_P99_MS
        return {"rate": rate, "filed": len(filings), "accepted": len(accepted),
                "accepted_per_s": len(accepted) / span if span else 0.0,
                "events": events, "events_per_s": events / (end - start),
                "http_ms": {"p50": pct(http, 50), "p99": pct(http, 99)},
                "first_sms_ms": {"p50": pct(sms, 50), "p95": pct(sms, 95), "p99": p99},
                "lag": {"max": max(lags, default=None), "mean": sum(lags) / len(lags) if lags else None,
                        "samples": len(lags)},
                "cpu_s_per_1000": per_1000, "peak_rss_mb": {k: v / 2**20 for k, v in sampler.peak_rss.items()},
                "reached": verdict.reached, "checked": verdict.checked, "duplicate_sms": verdict.duplicate_sms,
                "problems": (verdict.wrong_stage + verdict.wrong_sms + load["errors"])[:5],
                "decisions": load["decisions"], "resubmissions": len(load["resubmissions"]), "kept_up": kept_up,
                "held": held}


def _one_line(s: dict) -> str:
    sms = s["first_sms_ms"]
    return (f"{s['accepted']}/{s['filed']} accepted ({s['accepted_per_s']:.1f}/s), {s['events_per_s']:.0f} events/s, "
            f"first SMS p50 {sms['p50'] or 0:.0f} / p99 {sms['p99'] or 0:.0f} ms, lag max {s['lag']['max']}, "
            f"{s['reached']}/{s['checked']} as expected, {s['duplicate_sms']} duplicate SMS"
            f" -> {'held' if s['held'] else 'kept up, NOT held' if s['kept_up'] else 'NOT kept up'}")
