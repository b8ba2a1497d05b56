"""`python -m zc.load`: run one step of the season's load in this process and write what happened
(every filing with its schedule, answer and fate) as JSON."""
from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict

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
    settings = ServiceSettings()
    config = StepConfig(args.intake, args.review, args.rate, args.seconds, seed=args.seed, units=args.units,
                        drain_seconds=args.drain, jwt_secret=settings.jwt_secret,
                        person_ref_secret=settings.person_ref_secret, ready_file=args.ready_file,
                        go_file=args.go_file)
    outcome = asyncio.run(Step(config).run())
    with open(args.out, "w") as out:
        json.dump(asdict(outcome), out)


if __name__ == "__main__":
    main()
