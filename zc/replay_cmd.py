"""`zc replay PROJECTION [--service S]`: rebuild a read model from history into fresh tables, with a
progress bar (events/s, ETA), and swap it in while the live service keeps serving the old one
(plumbing/core/rebuild.py). Runs projection code only: nothing is appended, published or sent.
Exit codes: 0 rebuilt and swapped, 2 unknown projection, bad input or unreachable.
"""
from __future__ import annotations

import asyncio
import importlib

import asyncpg
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
from rich.text import Text

from plumbing.core.eventstore import EventStore
from plumbing.core.rebuild import rebuild
from zc.audit_cmd import database_of

# Read models that follow their own service's events through the store: (service, apply factory, tables).
PROJECTIONS = {
    "review.case_view": ("review", "services.review.projections.case_view:make_apply", ["case_view", "archive_view"]),
}


class Speed(ProgressColumn):
    def render(self, task) -> Text:
        return Text(f"{task.speed:,.0f} events/s" if task.speed else "… events/s")


def _fail(zh: str, en: str) -> typer.Exit:
    typer.echo(f"错误：{zh}\nerror: {en}", err=True)
    return typer.Exit(2)


def replay(projection: str = typer.Argument(..., help="e.g. review.case_view"),
           service: str | None = typer.Option(None, help="the service owning it (default: the name's prefix)"),
           dsn: str | None = typer.Option(None, help="the service database's URL (default zc_<service>)"),
           chunk: int = typer.Option(500, min=1, max=10_000, help="events per transaction")) -> None:
    """Rebuild a read model from history into fresh tables, then swap it in under the projection's lock."""
    if projection not in PROJECTIONS:
        raise _fail(f"未知的投影 {projection}（可选：{', '.join(PROJECTIONS)}）",
                    f"unknown projection {projection} (known: {', '.join(PROJECTIONS)})")
    owner, factory, tables = PROJECTIONS[projection]
    if service not in (None, owner):
        raise _fail(f"{projection} 属于 {owner}", f"{projection} belongs to {owner}, not {service}")
    module, _, name = factory.partition(":")
    make_apply = getattr(importlib.import_module(module), name)

    async def run() -> dict:
        pool = await asyncpg.create_pool(database_of(owner, dsn), min_size=1, max_size=3)
        try:
            store = EventStore(pool)  # read only: `read_all` and stream loads, never an append
            with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed:,.0f} events"),
                          Speed(), TimeRemainingColumn(), console=Console(stderr=True)) as bar:
                task = bar.add_task(f"rebuilding {projection}", total=None)
                return await rebuild(store, projection, make_apply(store), tables, chunk=chunk,
                                     progress=lambda done, total: bar.update(task, completed=done, total=total))
        finally:
            await pool.close()

    try:
        result = asyncio.run(run())
    except (OSError, asyncpg.PostgresError) as exc:
        raise _fail("重建失败，线上读模型未改变", f"the rebuild failed; the live read model is unchanged: {exc!r}") from None
    typer.echo(f"已重建并切换 / rebuilt and swapped in: {projection} ({result['events']} events; "
               f"tables {', '.join(tables)})")
