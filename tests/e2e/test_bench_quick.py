"""`make bench-quick` as a smoke test of the instrument: it runs, and every figure of the report
is there (a number above zero for each of our parts and each peer, a season step with its figures,
each section's time against its budget). Never a speed."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from zc.bench.report import PART_ROWS


def _figure(tree: dict, path: tuple) -> float | None:
    for key in path:
        tree = tree[key]
    return tree["per_s"]


@pytest.mark.timeout(600)  # four services and three peers start; a busy machine is slow, never wrong
def test_the_quick_benchmark_produces_every_figure_of_the_report(tmp_path):
    env = dict(os.environ, ZC_BENCH_REPORTS=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "zc.bench", "--quick"], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    [report] = tmp_path.glob("bench-*.json")
    results = json.loads(report.read_text())
    for _, ours, peers in PART_ROWS:  # a real measurement each: a zero would be a window that saw nothing
        assert _figure(results["parts"], ("ours", ours)) > 0
        for _, path in peers:
            assert _figure(results["parts"], path) > 0
    [step] = results["season"]["steps"]
    assert step["accepted"] == step["filed"] > 0
    assert step["reached"] == step["checked"] and step["duplicate_sms"] == 0 and step["kept_up"]
    for figure in ("p50", "p95", "p99"):
        assert step["first_sms_ms"][figure] is not None
    assert step["lag"]["samples"] > 0 and step["lag"]["max"] is not None
    assert set(step["cpu_s_per_1000"]) >= {"intake", "eligibility", "review", "notify", "load generator"}
    assert all(mb > 0 for name, mb in step["peak_rss_mb"].items() if name != "kafka")
    assert len(list(tmp_path.glob("bench-*.png"))) == 3
    markdown = next(tmp_path.glob("bench-*.md")).read_text()
    assert "cores" in markdown and "PostgreSQL" in markdown and "Kafka" in markdown
    assert "load average" in markdown and "at the end" in markdown
    share = results["machine"]["host_share"]  # who else had the machine: a noisy figure says so
    assert share["our_cores"] > 0 and share["other_cores"] >= 0 and 0 <= share["steal_share"] <= 1
    assert "other work on this machine" in markdown and "stole" in markdown
    assert "section season:" in markdown and "section parts:" in markdown  # each section's time and budget
    assert set(results["seconds"]) == {"season", "parts"}
    assert all(label in done.stdout for label, _, _ in PART_ROWS)
