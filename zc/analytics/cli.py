"""`zc analytics sink` and `zc analytics report`."""
from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="分析 / the analysts' feed: Parquet files and the season's figures", no_args_is_help=True)
DEFAULT_DIR = Path("infra/.run/analytics")


@app.command()
def sink(out: Path = typer.Option(DEFAULT_DIR / "feed", help="where the Parquet files go"),
         from_beginning: bool = typer.Option(False, help="read the feed again from offset 0 (overwrites the same files)"),
         until_caught_up: bool = typer.Option(False, help="stop at the end offsets seen at start")) -> None:
    """Follow the analysts' feed into Parquet files partitioned by plan and day (as the analytics principal)."""
    from zc.analytics.sink import run

    progress = run(out, from_beginning=from_beginning, until_caught_up=until_caught_up)
    typer.echo(f"sink: done, {progress.records} records into {len(progress.files)} files under {out}")


@app.command()
def report(files: Path = typer.Option(DEFAULT_DIR / "feed", help="the sink's Parquet files"),
           charts: Path = typer.Option(DEFAULT_DIR / "charts", help="where the PNG charts go")) -> None:
    """The season's figures (DuckDB over the Parquet files), and PNG charts."""
    from zc.analytics import report as r

    if not any(files.glob("**/*.parquet")):
        raise typer.BadParameter(f"no Parquet files under {files}: run `zc analytics sink` first")
    figs = r.figures(files)
    typer.echo(r.render(figs))
    for path in r.charts(figs, charts):
        typer.echo(f"chart: {path}")
