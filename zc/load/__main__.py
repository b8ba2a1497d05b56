"""`python -m zc.load`: run one step of the season's load in this process and write what happened
(every filing with its schedule, answer and fate) as JSON."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import traceback
from dataclasses import asdict
from pathlib import Path

from plumbing.settings import ServiceSettings
from zc.load.generator import Step, StepConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--intake", required=True, help="intake's base URL")
    parser.add_argument("--review", required=True, help="review's base URL")
    parser.add_argument("--rate", type=float, required=True, help="filings per second")
    parser.add_argument("--seconds", type=float, required=True, help="how long filings arrive")
    parser.add_argument("--seed", type=int, default=1, help="a different seed files different people")
    parser.add_argument("--units", type=int, default=24)
    parser.add_argument("--drain", type=float, default=60.0, help="max seconds reviewers work after the last filing")
    parser.add_argument("--out", required=True, help="where to write the JSON result")
    parser.add_argument("--ready-file", help="written once the untimed set-up is done")
    parser.add_argument("--go-file", help="the timed window starts once this file exists")
    args = parser.parse_args()
    settings = ServiceSettings(service="intake")  # the person_ref key, for applicants' tokens
    config = StepConfig(args.intake, args.review, args.rate, args.seconds, seed=args.seed, units=args.units,
                        drain_seconds=args.drain,
                        person_ref_secret=settings.person_ref_secret, ready_file=args.ready_file,
                        go_file=args.go_file)
    signal.signal(signal.SIGTERM, _tell_where_and_go)
    asyncio.run(Step(config).run(on_outcome=lambda outcome: _write(args.out, outcome)))


def _write(path: str, outcome) -> None:
    """Atomically: the bench reads the file once it exists, and never half of it."""
    part = Path(path + ".part")
    part.write_text(json.dumps(asdict(outcome)))
    os.replace(part, path)


def _awaiting(coro) -> list[str]:
    """Where a suspended task is, innermost last: its coroutines' chain of awaits (a task's own
    stack shows only the outermost frame)."""
    chain = []
    while coro is not None and len(chain) < 30:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None:
            chain.append(f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}")
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return chain


def _tell_where_and_go(signum, frame) -> None:
    """Told to stop (the bench's, when a step overran): say what every task was waiting for, so a
    hang can be found, then go."""
    print("zc.load: stopped while these tasks were running:", file=sys.stderr)
    try:
        for task in asyncio.all_tasks():
            print(f"- {task.get_name()}:", file=sys.stderr)
            for where in _awaiting(task.get_coro()):
                print(f"    {where}", file=sys.stderr)
    except RuntimeError:  # no loop running: stopped before or after the step
        traceback.print_stack(frame, file=sys.stderr)
    sys.stderr.flush()
    os._exit(3)


if __name__ == "__main__":
    main()
