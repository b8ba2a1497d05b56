"""The sink's files and the report's rule, without Kafka: rows keyed by partition and offset land in
files named by their offset block (a repeat replaces itself), and no figure is printed from fewer
than 5 applications."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.analytics import CaseChange
from zc.analytics import report
from zc.analytics.sink import BLOCK, file_of, row_of, write_rows

T0 = datetime(2020, 8, 10, 1, 0, tzinfo=UTC)


def change(case: int, *, outcome="opened", stage="at_unit", sequence=1, area="keqiao", reasons=(),
           at=T0, from_stage=None) -> CaseChange:
    return CaseChange(
        message_id=uuid.uuid4(), case_key=f"case{case:028d}", applicant_key=f"appl{case:028d}", sequence=sequence,
        plan_id="zj-sx-2020-zgj", plan_version="2020.1", city="绍兴市", area=area, unit_kind="private",
        specialty="建筑工程", route_declared="normal", route_used="normal", revision=1, change="X",
        from_stage=from_stage, stage=stage, level="unit" if stage == "at_unit" else None, outcome=outcome,
        reason_codes=list(reasons), eligibility_outcome="eligible", failing_rules=[], season_time=at,
        recorded_time=at)


def rows(changes, partition=0, first=0):
    return [row_of(partition, first + i, c.to_message()) for i, c in enumerate(changes)]


def test_a_file_is_named_by_plan_day_partition_and_offset_block(tmp_path):
    row = rows([change(1)], partition=3, first=BLOCK + 7)[0]
    assert file_of(tmp_path, row).relative_to(tmp_path).as_posix() == \
        f"plan_id=zj-sx-2020-zgj/day=2020-08-10/part-3-{BLOCK:012d}-{2 * BLOCK:012d}.parquet"


def test_the_day_is_the_plan_s_calendar_day_not_utc_s(tmp_path):
    late = rows([change(1, at=datetime(2020, 8, 10, 17, 0, tzinfo=UTC))])[0]  # 01:00 on the 11th in Shanghai
    assert "day=2020-08-11" in str(file_of(tmp_path, late))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=39), min_size=1, max_size=40))
def test_writing_any_batches_again_in_any_order_gives_the_same_rows_once(tmp_path_factory, order):
    out = tmp_path_factory.mktemp("feed")
    everything = rows([change(i % 7, sequence=i + 1) for i in range(40)])
    write_rows(out, everything)
    first = sorted((r["kafka_partition"], r["kafka_offset"], r["message_id"])
                   for p in out.glob("**/*.parquet") for r in pq.read_table(p).to_pylist())
    write_rows(out, [everything[i] for i in order])  # a replay of some of them, in another order
    again = sorted((r["kafka_partition"], r["kafka_offset"], r["message_id"])
                   for p in out.glob("**/*.parquet") for r in pq.read_table(p).to_pylist())
    assert again == first and len(first) == 40


def _season(tmp_path, cases: int):
    changes = []
    for case in range(cases):
        changes += [change(case, sequence=1),
                    change(case, outcome="returned", stage="returned", sequence=2, reasons=["papers"],
                           from_stage="at_unit", at=T0 + timedelta(hours=case + 1))]
    write_rows(tmp_path, rows(changes))
    return report.figures(tmp_path)


def test_figures_from_five_applications_are_printed(tmp_path):
    figs = _season(tmp_path, 5)
    assert figs["returns by reason"].shown == [("papers", 5, 5)]
    assert figs["filings per area per day"].shown[0][2:] == (5, 5)
    (level, p50, p90, n), = figs["time at each level (hours, season clock)"].shown
    assert (level, p50, p90, n) == ("unit", 3.0, 4.6, 5)
    assert figs["pass rates per level and route"].shown == [("unit", "normal", 5, 0, 0.0, 5)]


def test_no_figure_is_printed_from_four_applications(tmp_path):
    figs = _season(tmp_path, 4)
    assert figs["returns by reason"].shown == [("papers", "<5", "<5")]
    assert figs["time at each level (hours, season clock)"].shown == [("unit", "<5", "<5", "<5")]
    printed = report.render(figs)
    assert "papers  <5  <5" in printed and " 4" not in printed


def test_charts_are_png_files_of_the_printed_figures_only(tmp_path):
    figs = _season(tmp_path / "feed", 5)
    paths = report.charts(figs, tmp_path / "charts")
    assert len(paths) == len(report.FIGURES)
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)


def test_the_sink_reads_a_v1_message_published_before_v2_as_a_v2_row(tmp_path):
    from contracts.analytics import CaseChangeV1

    old = CaseChangeV1(**change(1, stage="public_notice").model_dump(exclude={"level"}))
    row, = rows([old])
    assert row["level"] == "unit" and row["schema_version"] == 2
    write_rows(tmp_path, [row])
    assert report.connect(tmp_path).execute("SELECT level, stage FROM feed").fetchall() == [("unit", "public_notice")]
