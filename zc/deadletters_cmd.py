"""`zc deadletters list | show ID | redrive ID|--all`: records a consumer parked after its retries.

IDs are written `service:number` (e.g. `notify:3`), as `list` prints them. The tool reads the
services' own databases on DATABASE_URL (`zc_<service>`), or one database given with --dsn. A
re-drive is done by the running service (it has the handlers): the tool asks for it and waits
for the outcome. Exit codes: 0 done (also when nothing is parked), 1 no such parked record or a
re-drive that failed again, 2 bad input or unreachable, 3 the service did not answer in time.
"""
from __future__ import annotations

import asyncio
import json

import typer
from rich.console import Console
from rich.table import Table

from plumbing.core import deadletters
from zc.outbox_cmd import SERVICES, DsnOption, _fail, _split, _with

app = typer.Typer(help="搁置的记录 / records a consumer parked after its retries", no_args_is_help=True)


@app.command("list")
def list_(service: list[str] = typer.Option(list(SERVICES), help="services to look at"),
          everything: bool = typer.Option(False, "--all", help="re-driven records too"),
          dsn: str | None = DsnOption,
          as_json: bool = typer.Option(False, "--json", help="a JSON list instead of the table")) -> None:
    """Parked records: id, consumer, where they came from, event, status, error."""
    table = Table(title="搁置的记录 / parked records")
    for column in ("id", "consumer", "topic/partition/offset", "key", "event", "status", "parked at", "error"):
        table.add_column(column)
    found = []
    for name in (["db"] if dsn else service):
        for r in asyncio.run(_with(name, dsn, lambda conn: deadletters.parked(conn, everything=everything))):
            found.append({"id": f"{name}:{r['id']}", "consumer": r["consumer"], "topic": r["topic"],
                          "partition": r["kafka_partition"], "offset": r["kafka_offset"], "key": r["key"],
                          "event": r["event_type"], "status": r["status"], "outcome": r["outcome"],
                          "parked_at": r["parked_at"].isoformat(timespec="seconds"), "error": r["error"]})
            table.add_row(f"{name}:{r['id']}", r["consumer"], f"{r['topic']}/{r['kafka_partition']}/{r['kafka_offset']}",
                          r["key"], r["event_type"], r["status"] + (f" ({r['outcome']})" if r["outcome"] else ""),
                          r["parked_at"].isoformat(timespec="seconds"), r["error"])
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    Console(width=220).print(table if found else "没有搁置的记录 / nothing is parked")


@app.command()
def show(parked_id: str = typer.Argument(..., help="service:number, as `zc deadletters list` prints it"),
         dsn: str | None = DsnOption) -> None:
    """One parked record whole, as JSON (its value as text when it is UTF-8)."""
    service, number = _split(parked_id, dsn)
    row = asyncio.run(_with(service, dsn, lambda conn: deadletters.one(conn, number)))
    if row is None:
        raise _fail(f"没有搁置的记录 {parked_id}", f"no parked record {parked_id}", code=1)
    for field in ("key", "value"):
        if row[field] is not None:
            row[field] = row[field].decode("utf-8", "replace")
    typer.echo(json.dumps(row, ensure_ascii=False, indent=2, default=str))


@app.command()
def redrive(parked_id: str = typer.Argument(None, help="service:number; its key's parked records are re-driven in order"),
            every: bool = typer.Option(False, "--all", help="every parked record of the services"),
            service: list[str] = typer.Option(list(SERVICES), help="with --all: services to look at"),
            timeout: float = typer.Option(60.0, help="seconds to wait for the service"),
            dsn: str | None = DsnOption) -> None:
    """Ask the service to apply parked records again after a fix, and print how each ended."""
    if (parked_id is None) == (not every):
        raise _fail("请给出一个编号，或 --all", "give one id, or --all")
    targets = [(name, None) for name in (["db"] if dsn else service)] if every else [_split(parked_id, dsn)]
    failed = waiting = 0
    for name, number in targets:
        async def work(conn, number=number):
            ids = await deadletters.ask_redrive(conn, number)
            return await deadletters.outcomes(conn, ids, timeout=timeout) if ids else None
        rows = asyncio.run(_with(name, dsn, work))
        if rows is None:
            if number is not None:
                raise _fail(f"没有搁置的记录 {name}:{number}", f"no parked record {name}:{number}", code=1)
            continue
        for r in rows:
            failed += r["status"] == "parked"
            waiting += r["status"] == "redrive"
            typer.echo(f"{name}:{r['id']} {r['status']} {r['outcome'] or ''} {r['error'] if r['status'] == 'parked' else ''}".rstrip())
    if waiting:
        raise _fail("服务未在时限内完成重新投递", "the service did not re-drive in time (is it running?)", code=3)
    if failed:
        raise typer.Exit(1)
