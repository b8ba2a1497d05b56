"""`zc outbox parked | retry ID | discard ID`: the outbox rows Kafka refused for good.

IDs are written `service:number` (e.g. `intake:42`), as `parked` prints them. The tool reads the
services' own databases on DATABASE_URL (`zc_<service>`), or one database given with --dsn.
Exit codes: 0 done (also when nothing is parked), 1 no such parked row, 2 bad input or unreachable.
"""
from __future__ import annotations

import asyncio
import getpass
import json

import asyncpg
import typer
from rich.console import Console
from rich.table import Table

from plumbing.core import outbox_admin
from plumbing.settings import ServiceSettings, with_database

app = typer.Typer(help="发件箱 / the outbox: rows Kafka refused for good", no_args_is_help=True)
SERVICES = ("intake", "eligibility", "review", "notify")
DsnOption = typer.Option(None, help="one database's URL instead of the four services' databases")


def _fail(zh: str, en: str, code: int = 2) -> typer.Exit:
    typer.echo(f"错误：{zh}\nerror: {en}", err=True)
    return typer.Exit(code)


def _dsn(service: str, dsn: str | None) -> str:
    if dsn:
        return dsn
    return with_database(ServiceSettings(service=service).database_url, f"zc_{service}")


async def _with(service: str, dsn: str | None, work):
    try:
        conn = await asyncpg.connect(_dsn(service, dsn), timeout=10)
    except (OSError, asyncpg.PostgresError) as exc:
        raise _fail(f"无法连接 {service} 的数据库", f"{service}'s database is unreachable: {type(exc).__name__}") from None
    try:
        return await work(conn)
    finally:
        await conn.close()


def _split(outbox_id: str, dsn: str | None) -> tuple[str, int]:
    service, _, number = outbox_id.rpartition(":")
    allowed = ("db", "") if dsn else SERVICES
    if service not in allowed or not number.isdigit():
        raise _fail(f"编号格式应为 服务:序号，例如 intake:42（收到 {outbox_id}）",
                    f"an outbox id is service:number, e.g. intake:42 (got {outbox_id})")
    return service, int(number)


@app.command()
def parked(service: list[str] = typer.Option(list(SERVICES), help="services to look at"),
           dsn: str | None = DsnOption,
           as_json: bool = typer.Option(False, "--json", help="a JSON list instead of the table")) -> None:
    """List parked rows: id, topic, key, event, when, the error, and how many rows wait behind it."""
    table = Table(title="被搁置的发件箱记录 / parked outbox rows")
    for column in ("id", "topic", "key", "event", "parked at", "held behind", "error"):
        table.add_column(column)
    found = []
    for name in (["db"] if dsn else service):
        for r in asyncio.run(_with(name, dsn, outbox_admin.parked_rows)):
            found.append({"id": f"{name}:{r['id']}", "topic": r["topic"], "key": r["key"],
                          "event": r["event_type"] or "DeadLetter", "parked_at": r["parked_at"].isoformat(timespec="seconds"),
                          "held_behind": r["held"], "error": r["park_error"] or ""})
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for row in found:
        table.add_row(*(str(row[k]) for k in ("id", "topic", "key", "event", "parked_at", "held_behind", "error")))
    console = Console(width=200)
    console.print(table if found else "没有被搁置的记录 / nothing is parked")


@app.command()
def retry(outbox_id: str = typer.Argument(..., help="service:number, as `zc outbox parked` prints it"),
          dsn: str | None = DsnOption) -> None:
    """Put a parked row back in the queue: the relay tries it again (and parks it again if Kafka refuses)."""
    service, number = _split(outbox_id, dsn)
    if not asyncio.run(_with(service, dsn, lambda conn: outbox_admin.retry(conn, number))):
        raise _fail(f"没有被搁置的记录 {outbox_id}", f"no parked row {outbox_id}", code=1)
    typer.echo(f"已重新排队 / queued again: {outbox_id}")


@app.command()
def discard(outbox_id: str = typer.Argument(..., help="service:number, as `zc outbox parked` prints it"),
            by: str = typer.Option(getpass.getuser(), help="who discards it (recorded)"),
            dsn: str | None = DsnOption) -> None:
    """Give up publishing a parked row: the event stays in the store; rows held behind it go on."""
    service, number = _split(outbox_id, dsn)
    if not asyncio.run(_with(service, dsn, lambda conn: outbox_admin.discard(conn, number, by))):
        raise _fail(f"没有被搁置的记录 {outbox_id}", f"no parked row {outbox_id}", code=1)
    typer.echo(f"已放弃发布 / discarded: {outbox_id} (by {by})")
