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
from plumbing.core.topic_rebuild import rebuild_from_topics
from plumbing.edges.kafka_security import AUDITOR, client_kwargs
from plumbing.settings import kafka_bootstrap
from zc import read_models
from zc.audit_cmd import database_of



class Speed(ProgressColumn):
    def render(self, task) -> Text:
        return Text(f"{task.speed:,.0f} events/s" if task.speed else "… events/s")


def _fail(zh: str, en: str) -> typer.Exit:
    typer.echo(f"错误：{zh}\nerror: {en}", err=True)
    return typer.Exit(2)


def replay(projection: str = typer.Argument(..., help="e.g. review.case_view, intake.history, notify.contacts"),
           service: str | None = typer.Option(None, help="the service owning it (default: the name's prefix)"),
           dsn: str | None = typer.Option(None, help="the service database's URL (default zc_<service>)"),
           chunk: int = typer.Option(500, min=1, max=10_000, help="events (records) per transaction")) -> None:
    """Rebuild a read model into fresh tables (from history, or its topics from offset 0), then swap it in
    under the read model's lock while the service keeps serving the old one."""
    if projection not in read_models.known():
        raise _fail(f"未知的读模型 {projection}（可选：{', '.join(read_models.known())}）",
                    f"unknown read model {projection} (known: {', '.join(read_models.known())})")
    owner = read_models.owner(projection)
    if service not in (None, owner):
        raise _fail(f"{projection} 属于 {owner}", f"{projection} belongs to {owner}, not {service}")

    async def run() -> dict:
        pool = await asyncpg.create_pool(database_of(owner, dsn), min_size=1, max_size=3)
        try:
            store = EventStore(pool)  # read only: `read_all` and stream loads, never an append
            with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed:,.0f}"),
                          Speed(), TimeRemainingColumn(), console=Console(stderr=True)) as bar:
                task = bar.add_task(f"rebuilding {projection}", total=None)
                shown = lambda done, total: bar.update(task, completed=done, total=total)  # noqa: E731
                if projection in read_models.STORE_FED:
                    _owner, factory, tables = read_models.STORE_FED[projection]
                    module, _, name = factory.partition(":")
                    make_apply = getattr(importlib.import_module(module), name)
                    return await rebuild(store, projection, make_apply(store), tables, chunk=chunk, progress=shown)
                return await rebuild_from_topics(store, read_models.TOPIC_FED[projection], kafka_bootstrap(),
                                                 client_kwargs(AUDITOR), chunk=chunk, progress=shown)
        finally:
            await pool.close()

    try:
        result = asyncio.run(run())
    except (OSError, asyncpg.PostgresError) as exc:
        raise _fail("重建失败，线上读模型未改变", f"the rebuild failed; the live read model is unchanged: {exc!r}") from None
    typer.echo(f"已重建并切换 / rebuilt and swapped in: {projection} "
               f"({result.get('events', result.get('records'))} read; tables {', '.join(result['tables'])})")
