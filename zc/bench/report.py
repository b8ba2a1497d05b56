"""The report: the table of the issue (each of our figures beside its peer, with the ratio), the
season's steps, CPU and memory per process, the machine; Markdown + PNG plots + JSON."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from zc.bench.host import noted
from zc.bench.machine import load_average

# (label, our figure key, [(peer label, peer path)]) - the rows of the table
PART_ROWS = [
    ("single-event appends, 16 writers (events/s)", "single",
     [("pgbench one-row insert", ("pgbench",)), ("`eventsourcing` single saves", ("eventsourcing", "single"))]),
    ("batched appends, 10 a batch (events/s)", "batch10", [("`eventsourcing` 10 a save", ("eventsourcing", "batch10"))]),
    ("batched appends, 100 a batch (events/s)", "batch100",
     [("`eventsourcing` 100 a save", ("eventsourcing", "batch100"))]),
    ("effectively-once consumer (events/s)", "consumer",
     [("`eventsourcing` ProcessApplication", ("eventsourcing", "consumer")),
      ("Kafka ConsumerPerformance (read only)", ("consumer_performance",))]),
    ("relay to Kafka (events/s)", "relay",
     [("Kafka ProducerPerformance (700 B, acks=all, idempotent)", ("producer_performance",))]),
    ("reads of the global log (events/s)", "reads", [("`eventsourcing` select_notifications", ("eventsourcing", "reads"))]),
    ("read-model rebuild from history (events/s)", "rebuild",
     [("`eventsourcing` projection into PostgreSQL", ("eventsourcing", "rebuild"))]),
]


def _get(tree: dict, path: tuple) -> float | None:
    for key in path:
        tree = (tree or {}).get(key)
    return (tree or {}).get("per_s") if isinstance(tree, dict) else None


def _n(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _highest(steps: list[dict], flag: str) -> dict | None:
    """The step of the highest rate with `flag` ("held", "kept_up") set, if any."""
    return max((s for s in steps if s.get(flag)), key=lambda s: s["rate"], default=None)


def summary_rows(results: dict) -> list[tuple[str, str, str]]:
    """(measure, zhicheng, beside it) rows: the issue's table with this run's figures."""
    rows = []
    season = results.get("season")
    if season:
        held, kept = _highest(season["steps"], "held"), _highest(season["steps"], "kept_up")
        top = max(season["steps"], key=lambda s: s["accepted_per_s"], default=None)
        text = (f"{held['rate']:g} filings/s held for {season['step_seconds']:g} s (first SMS p99 "
                f"{_n(held['first_sms_ms']['p99'])} ms)" if held else "no rate held (first-SMS p99 < 2 s)")
        if kept and kept is not held:
            text += f"; kept up with {kept['rate']:g}/s (first SMS p99 {_n(kept['first_sms_ms']['p99'])} ms)"
        if top:
            text += f"; most accepted {top['accepted_per_s']:.1f}/s at {top['rate']:g}/s offered"
        rows.append(("filings through the whole pipeline (submit → assessed → case → unit → SMS)", text, "–"))
    parts = results.get("parts")
    if parts:
        for label, key, peers in PART_ROWS:
            ours = _get(parts, ("ours", key))
            beside = "; ".join(f"{name} {_n(_get(parts, path))} (ours ×{ours / _get(parts, path):.2g})"
                               if ours and _get(parts, path) else f"{name} {_n(_get(parts, path))}"
                               for name, path in peers)
            rows.append((label, _n(ours), beside))
    return rows


def _loads(values) -> str:
    return " / ".join(f"{x:.1f}" for x in values)


def load_note(machine: dict) -> str:
    """Who else had the machine during the run (zc.bench.host), marked when other work or the
    hypervisor took enough to lower the figures; the load averages are given as read."""
    start = machine["load_average_at_start"]
    end = machine.get("load_average_at_end") or start
    text = (f"load average {_loads(start)} at the start, {_loads(end)} at the end (1/5/15 min; during the run it "
            "counts the benchmark's own processes)")
    share = machine.get("host_share")
    if share:
        text += (f"; during the run our processes used {share['our_cores']:.2f} cores on average, other work on "
                 f"this machine {share['other_cores']:.2f}, and the hypervisor stole {share['steal_share']:.1%} "
                 "of the CPU time")
        if noted(share):
            text += " — **MEASURED BESIDE OTHER WORK: the figures are low and noisy**"
    return text


def time_lines(results: dict) -> list[str]:
    """Each section's elapsed time against its budget, saying so when it overran."""
    lines = []
    for section, seconds in results["seconds"].items():
        budget = results["budget_seconds"][section]
        verdict = "within" if seconds <= budget else "**OVER**"
        lines.append(f"section {section}: {seconds:.0f} s ({seconds / 60:.1f} min), {verdict} its budget of "
                     f"{budget:g} s")
    total = sum(results["seconds"].values())
    lines.append(f"both: {total:.0f} s ({total / 60:.1f} min) measuring, after `make`'s installs and the infra's start")
    return lines


def _phases(spent: list) -> str:
    return "; ".join(f"{name} {seconds:.0f} s" for name, seconds in spent)


def markdown(results: dict, machine: dict, plots: list[str]) -> str:
    m = machine
    lines = ["# zhicheng benchmark", "",
             f"{results['stamp']} · host {m['host']} · {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
             f"Linux {m['kernel']} · Python {m['python']} · PostgreSQL {m['postgresql']} · Kafka {m['kafka']} "
             f"({m['java']}) · eventsourcing {m['eventsourcing']} · {load_note(m)}"
             + (" · **quick form: tiny amounts, figures mean nothing**" if results.get("quick") else ""), "",
             "Everything ran in one run on the same PostgreSQL server and Kafka broker, both on loopback. Other "
             "work's CPU and the hypervisor's steal are measured from /proc over the whole run; when either took "
             "enough to lower the figures the line above says so: read them as noisy.", "",
             "| measure | zhicheng | beside it |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in summary_rows(results)]
    lines += ["", "## Time", "", *[f"- {line}" for line in time_lines(results)]]
    for section in ("season", "parts"):
        if results.get(section, {}).get("phases"):
            whose = {"season": "section 1's (the season)", "parts": "section 2's (the parts)"}[section]
            lines.append(f"- where {whose} time went: {_phases(results[section]['phases'])}")
    season = results.get("season")
    if season:
        lines += ["", "## Section 1: the season", "",
                  "A load generator in its own process (`zc.load`) files at a fixed rate (open loop) for "
                  f"{season['step_seconds']:g} s a step: ~70 % pass, ~20 % fail a rule, ~10 % are returned once "
                  "and resubmitted; each filing is a new applicant with a 50–300 KB JPEG photo; 24 units' reviewers "
                  "poll their inboxes every second and decide in batches. Latency is from the filing's scheduled "
                  "time to the applicant's first SMS (for a passing filing that includes the reviewer's decision). "
                  "A rate is kept up with when every filing was accepted and reached its expected stage with each "
                  "expected SMS exactly once; it is held when, besides, the first-SMS p99 stayed under 2 s. The "
                  "rates rise until one is not kept up with (or its step would overrun the section's budget).", "",
                  f"The services ran with tracing {'on (' + format(season.get('trace_sample', 1.0), 'g') + ' of the traces, every span to a file, ' + format(season.get('spans', 0), ',') + ' spans)' if season.get('tracing') else 'off'}"
                  f" and access logs {'on' if season.get('access_log', True) else 'off'}.", "",
                  "| offered /s | accepted /s | events /s | first SMS p50 / p95 / p99 ms | HTTP p99 ms | lag max |"
                  " as expected | duplicate SMS | kept up | held | untimed set-up s |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for s in season["steps"]:
            sms = s["first_sms_ms"]
            lines.append(f"| {s['rate']:g} | {s['accepted_per_s']:.1f} | {s['events_per_s']:.0f} | {_n(sms['p50'])} / "
                         f"{_n(sms['p95'])} / {_n(sms['p99'])} | {_n(s['http_ms']['p99'])} | {_n(s['lag']['max'])} | "
                         f"{s['reached']}/{s['checked']} | {s['duplicate_sms']} | {'yes' if s.get('kept_up') else 'no'} | "
                         f"{'yes' if s['held'] else 'no'} | "
                         f"{s.get('setup_seconds', 0):.0f} |")
        names = list(season["steps"][0]["cpu_s_per_1000"]) if season["steps"] else []
        lines += ["", "CPU seconds per 1,000 filings (from /proc, whole step incl. drain) and peak RSS MiB "
                  "(PostgreSQL: sum over its processes, shared buffers counted once per process):", "",
                  "| offered /s | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for s in season["steps"]:
            lines.append(f"| {s['rate']:g} | " + " | ".join(
                f"{s['cpu_s_per_1000'][n]:.1f} s / {s['peak_rss_mb'].get(n, 0):.0f} MiB" for n in names) + " |")
        for skipped in season.get("not_run", []):
            lines += ["", f"**{skipped['rate']:g} filings/s was not run**: {skipped['why']}."]
        problems = [p for s in season["steps"] for p in s["problems"]]
        if problems:
            lines += ["", "First problems seen:", ""] + [f"- `{p[:200]}`" for p in problems[:5]]
    parts = results.get("parts")
    if parts:
        peer_runs = parts.get("peer_runs", results["runs"])
        lines += ["", "## Section 2: the parts beside the peers", "",
                  f"Each of our figures is the median of {results['runs']} windows of at least "
                  f"{results['run_seconds']:g} s of one continuous workload (a window also lasts until progress "
                  "moved: the consumer's progress shows when a batch of up to 200 records commits). Each peer "
                  "is the yardstick and was "
                  f"measured once: {peer_runs} window(s) of at least {results['run_seconds']:g} s of its workload "
                  f"(`eventsourcing`, after its connections' first round trip), a {results['run_seconds']:g} s "
                  "pgbench run, one ProducerPerformance run sized by a short calibration run to last about "
                  f"{results['run_seconds']:g} s (the calibration run and the JVM start are not counted), and one "
                  "ConsumerPerformance run reading those records. Events are ~500 bytes; the history of the reads, "
                  "the rebuild, the relay and the consumer was loaded with COPY. Runs per window:", ""]
        if parts["ours"]["relay"].get("exhausted"):
            lines += ["**The relay ran out of backlog within its windows: its figure is too low.**", ""]
        for label, key, peers in PART_ROWS:
            runs = ", ".join(_n(r) for r in parts["ours"][key]["runs"])
            lines.append(f"- {label}: ours {runs}" + "".join(
                f"; {name} " + ", ".join(_n(r) for r in _runs(parts, path)) for name, path in peers))
    lines += ["", *[f"![{p}]({p})" for p in plots]]
    return "\n".join(lines) + "\n"


def _runs(parts: dict, path: tuple) -> list[float]:
    tree = parts
    for key in path:
        tree = tree.get(key, {})
    return tree.get("runs", [])


def plot(results: dict, folder: Path, stamp: str) -> list[str]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    season = results.get("season")
    if season and season["steps"]:
        steps = season["steps"]
        rates = [s["rate"] for s in steps]
        fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
        a.plot(rates, [s["accepted_per_s"] for s in steps], "o-", label="accepted filings/s")
        a.plot(rates, rates, ":", color="grey", label="offered")
        a.set_xlabel("offered filings/s"), a.set_ylabel("filings/s"), a.legend(), a.set_title("throughput")
        for q in ("p50", "p95", "p99"):
            b.plot(rates, [s["first_sms_ms"][q] or 0 for s in steps], "o-", label=f"first SMS {q}")
        b.axhline(2000, color="red", linestyle=":", label="2 s")
        b.set_xlabel("offered filings/s"), b.set_ylabel("ms"), b.legend(), b.set_title("submission → first SMS")
        names.append(_save(fig, folder, f"bench-{stamp}-season.png"))
        fig, ax = plt.subplots(figsize=(11, 4))
        procs = list(steps[0]["cpu_s_per_1000"])
        bottom = [0.0] * len(steps)
        for proc in procs:
            values = [s["cpu_s_per_1000"][proc] for s in steps]
            ax.bar([str(r) for r in rates], values, bottom=bottom, label=proc)
            bottom = [x + y for x, y in zip(bottom, values)]
        ax.set_xlabel("offered filings/s"), ax.set_ylabel("CPU s per 1,000 filings"), ax.legend(fontsize=8)
        names.append(_save(fig, folder, f"bench-{stamp}-cpu.png"))
    parts = results.get("parts")
    if parts:
        fig, ax = plt.subplots(figsize=(10, 6))
        labels, ours, peers = [], [], []
        for label, key, peer_list in PART_ROWS:
            for name, path in peer_list:
                labels.append(f"{key} vs {name.split('(')[0].replace('`', '').strip()}")
                ours.append(_get(parts, ("ours", key)) or 0)
                peers.append(_get(parts, path) or 0)
        y = range(len(labels))
        ax.barh([i - 0.2 for i in y], ours, 0.4, label="zhicheng")
        ax.barh([i + 0.2 for i in y], peers, 0.4, label="peer")
        ax.set_yticks(list(y), labels, fontsize=8), ax.invert_yaxis(), ax.set_xscale("log")
        ax.set_xlabel("per second (log)"), ax.legend()
        ax.set_title(f"the parts beside the peers (median of {results['runs']})")
        names.append(_save(fig, folder, f"bench-{stamp}-parts.png"))
    return names


def _save(fig, folder: Path, name: str) -> str:
    fig.tight_layout()
    fig.savefig(folder / name, dpi=110)
    import matplotlib.pyplot as plt
    plt.close(fig)
    return name


def write(results: dict, machine: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results["stamp"] = stamp
    machine["load_average_at_end"] = load_average()
    plots = plot(results, folder, stamp)
    text = markdown(results, machine, plots)
    md = folder / f"bench-{stamp}.md"
    md.write_text(text)
    (folder / f"bench-{stamp}.json").write_text(json.dumps({"machine": machine, **results}, indent=2, default=str))
    return md
