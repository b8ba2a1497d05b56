"""`python -m zc.bench [--section season|parts|all] [--quick] [--tracing] [--access-log on|off]`: run, write
reports/bench-*.md (+ .json, PNG plots), print the table. `make bench`, `make bench SECTION=parts`,
`make bench-quick`; `make bench SECTION=season BENCH_ARGS="--tracing"` runs the season with every service's
spans written to a file (and access logs on, the default), `BENCH_ARGS="--access-log off"` without either."""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import time
from pathlib import Path

from plumbing.logging import configure
from zc.bench import config as configs
from zc.bench.budget import plan
from zc.bench.host import HostShare, kafka_pid, our_processes, postmaster_pid
from zc.bench.machine import describe
from zc.bench.report import load_note, summary_rows, time_lines, write


def main() -> Path:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--section", choices=("all", "season", "parts"), default="all")
    parser.add_argument("--quick", action="store_true", help="tiny amounts: proves the instrument, not the speed")
    parser.add_argument("--tracing", action="store_true", help="the season's services export spans to files")
    parser.add_argument("--trace-sample", type=float, default=1.0, help="with --tracing: the share of traces kept")
    parser.add_argument("--access-log", choices=("on", "off"), default="on", help="the services' access log lines")
    args = parser.parse_args()
    configure("bench", level=logging.WARNING)
    logging.getLogger("kafka").setLevel(logging.ERROR)  # the lag sampler's client is chatty under load
    config = configs.quick() if args.quick else configs.Config()
    config = dataclasses.replace(config, tracing=args.tracing, trace_sample=args.trace_sample,
                                 access_log=args.access_log == "on")
    sections = ["season", "parts"] if args.section == "all" else [args.section]
    machine = asyncio.run(describe(config.database_url))
    kafka, postmaster = kafka_pid(configs.ROOT), asyncio.run(postmaster_pid(config.database_url))
    share = HostShare(our_processes(postmaster, kafka))
    print(f"[plan] {machine['host']}, {machine['cores']} cores, load average "
          f"{' / '.join(f'{x:.1f}' for x in machine['load_average_at_start'])} (1/5/15 min) at the start", flush=True)
    for line in plan(config, sections):
        print(f"[plan] {line}", flush=True)
    results: dict = {"quick": config.quick, "seconds": {}, "runs": config.runs, "run_seconds": config.run_seconds,
                     "budget_seconds": {"season": config.season_budget_seconds,
                                        "parts": config.parts_budget_seconds}}
    if "season" in sections:
        from zc.bench.season import Season
        started = time.monotonic()
        results["season"] = Season(config, kafka, postmaster).run()
        results["seconds"]["season"] = time.monotonic() - started
    if "parts" in sections:
        from zc.bench.parts import Parts
        started = time.monotonic()
        results["parts"] = Parts(config).run()
        results["seconds"]["parts"] = time.monotonic() - started
    machine["host_share"] = share.figures()
    report = write(results, machine, config.reports)
    print()
    print(f"zhicheng benchmark · {machine['host']}, {machine['cores']} cores, {machine['memory_gib']} GiB · "
          f"PostgreSQL {machine['postgresql']} · Kafka {machine['kafka']} · {load_note(machine)}")
    width = max(len(r[0]) for r in summary_rows(results))
    for measure, ours, beside in summary_rows(results):
        print(f"{measure:<{width}}  {ours:>12}   {beside}")
    for line in time_lines(results):
        print(line)
    print(f"report: {report}")
    return report


if __name__ == "__main__":
    main()
