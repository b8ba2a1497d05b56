"""CPU seconds and resident memory of processes, read from /proc (Linux), for per-step figures."""
from __future__ import annotations

import os
import threading
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (and of its waited-for children) in seconds; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(v) for v in fields[11:15]) / TICKS


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    """Direct children of `pid` (PostgreSQL's backends are children of the postmaster)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return out


class Sampler:
    """Samples named process groups every `interval` s: CPU seconds (summed, dead children included
    at their last value) and peak RSS (sum over the group)."""

    def __init__(self, groups: dict[str, callable], interval: float = 0.5) -> None:
        self.groups, self.interval = groups, interval  # name -> function returning the group's pids
        self._cpu: dict[str, dict[int, float]] = {name: {} for name in groups}
        self.peak_rss: dict[str, int] = dict.fromkeys(groups, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> None:
        for name, pids_of in self.groups.items():
            rss = 0
            for pid in pids_of():
                seconds = cpu_seconds(pid)
                if seconds:
                    self._cpu[name][pid] = seconds
                rss += rss_bytes(pid)
            self.peak_rss[name] = max(self.peak_rss[name], rss)

    def cpu(self) -> dict[str, float]:
        self._sample()
        return {name: sum(per_pid.values()) for name, per_pid in self._cpu.items()}

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def start(self) -> Sampler:
        self._thread.start()
        return self

    def reset_peaks(self) -> None:
        self.peak_rss = dict.fromkeys(self.groups, 0)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
