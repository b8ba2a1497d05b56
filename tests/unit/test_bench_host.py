"""The benchmark's account of who else had the machine (zc.bench.host): other work's CPU is the
cores' busy time less ours, the hypervisor's steal is its own figure, and the report marks a run
that either made noisy — not one whose load average counted the benchmark itself."""
from __future__ import annotations

import os
import time

from zc.bench import host
from zc.bench.report import load_note


def _machine(share: dict | None) -> dict:
    return {"cores": 2, "load_average_at_start": [0.4, 0.5, 0.6], "load_average_at_end": [3.1, 2.0, 1.2],
            **({"host_share": share} if share else {})}


def test_our_own_cpu_is_counted_as_ours_not_as_other_work():
    share = host.HostShare(lambda: [os.getpid()])
    end = time.process_time() + 0.3
    while time.process_time() < end:  # burn a third of a second of this process's CPU
        pass
    figures = share.figures()
    assert figures["our_cores"] * figures["seconds"] >= 0.25
    assert 0 <= figures["steal_share"] <= 1 and figures["other_cores"] >= 0


def test_the_cores_time_adds_up():
    busy, steal, total = host.cores_time()
    assert 0 < busy <= total and 0 <= steal <= total


def test_a_busy_load_average_of_our_own_making_is_not_marked():
    quiet = {"seconds": 300, "our_cores": 1.9, "other_cores": 0.05, "steal_share": 0.01}
    note = load_note(_machine(quiet))
    assert "3.1 / 2.0 / 1.2 at the end" in note and "other work on this machine 0.05" in note
    assert "MEASURED BESIDE OTHER WORK" not in note


def test_other_work_or_steal_past_its_threshold_is_marked():
    for share in ({"seconds": 300, "our_cores": 1.5, "other_cores": 0.3, "steal_share": 0.0},
                  {"seconds": 300, "our_cores": 1.5, "other_cores": 0.0, "steal_share": 0.06}):
        assert host.noted(share)
        assert "MEASURED BESIDE OTHER WORK" in load_note(_machine(share))
    edge = {"seconds": 300, "our_cores": 1.5, "other_cores": host.OTHER_CORES_NOTED,
            "steal_share": host.STEAL_NOTED}
    assert not host.noted(edge)


def test_a_report_without_the_share_still_names_the_load_average():
    assert "0.4 / 0.5 / 0.6 at the start" in load_note(_machine(None))
