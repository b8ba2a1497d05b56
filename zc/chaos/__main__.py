"""`make chaos` (python -m zc.chaos [--short] [--filings N] [--settle S] [--keep]).

Prints the table (fault, applications in flight, lost, duplicated, stuck, recovery time) and exits
1 on any loss, duplicate or stuck case."""
from __future__ import annotations

import argparse
import asyncio
import sys

from rich.console import Console
from rich.table import Table

from zc.chaos import faults
from zc.chaos.run import Row, Sizes, run


def table(rows: list[Row]) -> Table:
    out = Table(title="chaos: every application filed during each fault, checked in every service's database")
    for column in ("fault", "in flight", "lost", "duplicated", "stuck", "recovery", "note"):
        out.add_column(column, overflow="fold")
    for r in rows:
        recovery = f"{r.recovery_s:.1f} s" if r.recovery_s is not None else ("-" if r.note.startswith("skipped") else "never")
        style = "red" if r.failed else None
        out.add_row(r.fault, str(r.in_flight), str(r.lost), str(r.duplicated), str(r.stuck), recovery, r.note, style=style)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="one fault of each kind that passes on this branch, small load")
    parser.add_argument("--spacing", type=float, default=0.3, help="seconds between two filings of the load")
    parser.add_argument("--settle", type=float, default=None, help="seconds to wait for recovery (default 90)")
    parser.add_argument("--keep", action="store_true", help="keep the run's logs")
    args = parser.parse_args(argv)
    sizes = Sizes(spacing=args.spacing, settle=args.settle or 90,
                  lead_in=1.0 if args.short else 2.0, tail=1.5 if args.short else 3.0)
    console = Console(width=None if sys.stdout.isatty() else 160)
    rows = asyncio.run(run(faults.short() if args.short else faults.full(), sizes, say=console.print, keep=args.keep))
    console.print(table(rows))
    failed = [r.fault for r in rows if r.failed]
    console.print(f"[bold]{'FAILED: ' + ', '.join(failed) if failed else 'no application lost, duplicated or stuck'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
