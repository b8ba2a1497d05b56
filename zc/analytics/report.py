"""`zc analytics report`: the season's figures from the sink's Parquet files, with DuckDB.

Every figure says how many applications it was computed from, and a figure computed from fewer
than `MIN_APPLICATIONS` (5) is not printed (shown as "<5"): with so few, a row could single a person
out (ARCHITECTURE.md, "The analysts' feed"). Days are Asia/Shanghai calendar days of the season's
clock. Charts are PNG files written next to the report (matplotlib, no display).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

MIN_APPLICATIONS = 5

_DAY = "CAST(timezone('Asia/Shanghai', season_time) AS DATE)"

FILINGS = f"""
SELECT area, {_DAY} AS day, count(DISTINCT case_key) AS filings, count(DISTINCT case_key) AS applications
FROM feed WHERE outcome = 'opened' GROUP BY ALL ORDER BY day, area"""

# A decision is a pass, a "not passed" or a return; its level is the level that acted before it.
PASS_RATES = """
WITH decided AS (
    SELECT *, lag(level) OVER (PARTITION BY case_key ORDER BY sequence) AS decided_at FROM feed)
SELECT decided_at AS level, coalesce(route_used, route_declared) AS route, count(*) AS decisions,
       count(*) FILTER (WHERE outcome = 'passed') AS passes,
       round(count(*) FILTER (WHERE outcome = 'passed') / count(*), 3) AS pass_rate,
       count(DISTINCT case_key) AS applications
FROM decided WHERE outcome IN ('passed', 'not_passed', 'returned') GROUP BY ALL ORDER BY level, route"""

# Time at a level: from the change that brought the case to it to the next change that moved it
# elsewhere, summed per application (a case can come back after a return); open stays are not counted.
TIME_AT_LEVEL = """
WITH ordered AS (
    SELECT case_key, level, season_time, sequence,
           lead(season_time) OVER (PARTITION BY case_key ORDER BY sequence) AS next_time,
           lead(level) OVER (PARTITION BY case_key ORDER BY sequence) AS next_level
    FROM feed),
stays AS (
    SELECT case_key, level, sum(epoch(next_time) - epoch(season_time)) / 3600.0 AS hours,
           bool_or(next_level IS DISTINCT FROM level) AS left_it
    FROM ordered WHERE level IS NOT NULL AND next_time IS NOT NULL GROUP BY case_key, level)
SELECT level, round(quantile_cont(hours, 0.5), 2) AS p50_hours, round(quantile_cont(hours, 0.9), 2) AS p90_hours,
       count(*) AS applications
FROM stays WHERE left_it GROUP BY level ORDER BY level"""

DEADLINE_MISSES = """
SELECT coalesce(lag_level, 'applicant') AS waiting_for, count(DISTINCT case_key) AS misses,
       count(DISTINCT case_key) AS applications
FROM (SELECT *, lag(level) OVER (PARTITION BY case_key ORDER BY sequence) AS lag_level FROM feed)
WHERE outcome = 'overdue' GROUP BY ALL ORDER BY waiting_for"""

RETURNS_BY_REASON = """
SELECT reason, count(*) AS returns, count(DISTINCT case_key) AS applications
FROM (SELECT case_key, unnest(reason_codes) AS reason FROM feed WHERE outcome = 'returned')
GROUP BY reason ORDER BY returns DESC, reason"""

FIGURES = {"filings per area per day": FILINGS, "pass rates per level and route": PASS_RATES,
           "time at each level (hours, season clock)": TIME_AT_LEVEL, "deadline misses": DEADLINE_MISSES,
           "returns by reason": RETURNS_BY_REASON}


@dataclass
class Figure:
    title: str
    columns: list[str]
    rows: list[tuple]  # every row, with its `applications` count
    min_applications: int

    @property
    def shown(self) -> list[tuple]:
        """The rows computed from enough applications; the others have their figures withheld."""
        at = self.columns.index("applications")
        return [row if row[at] >= self.min_applications else (*row[:self._keys], *["<5"] * (len(row) - self._keys))
                for row in self.rows]

    @property
    def _keys(self) -> int:  # the leading grouping columns (text, dates), which are not figures
        return next(i for i, c in enumerate(self.columns) if c in _MEASURES)


_MEASURES = {"filings", "decisions", "p50_hours", "misses", "returns"}


def connect(files: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    pattern = str(files / "**" / "*.parquet")
    con.execute(f"CREATE VIEW feed AS SELECT * FROM read_parquet('{pattern}', hive_partitioning = true, "
                "union_by_name = true)")
    return con


def figures(files: Path, min_applications: int = MIN_APPLICATIONS) -> dict[str, Figure]:
    con = connect(files)
    out = {}
    for title, sql in FIGURES.items():
        result = con.execute(sql)
        out[title] = Figure(title, [d[0] for d in result.description], result.fetchall(), min_applications)
    return out


def render(figs: dict[str, Figure]) -> str:
    lines = []
    for fig in figs.values():
        lines.append(f"\n== {fig.title} (no figure from fewer than {fig.min_applications} applications)")
        lines.append("  ".join(fig.columns))
        lines += ["  ".join(str(v) for v in row) for row in fig.shown] or ["(none)"]
    return "\n".join(lines)


def charts(figs: dict[str, Figure], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fig in figs.items():
        shown = [r for r in fig.rows if r[fig.columns.index("applications")] >= fig.min_applications]
        keys, value = fig._keys, fig.columns[fig._keys]
        plot, axis = plt.subplots(figsize=(8, 4))
        labels = [" / ".join(str(v) for v in r[:keys]) for r in shown]
        axis.barh(labels, [float(r[keys]) for r in shown])
        axis.set_title(f"{name} ({value})")
        axis.invert_yaxis()
        plot.tight_layout()
        path = out / f"{''.join(c if c.isalnum() else '-' for c in name).strip('-')}.png"
        plot.savefig(path)
        plt.close(plot)
        written.append(path)
    return written
