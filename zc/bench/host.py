"""How much of the machine the benchmark had: other work's CPU and the hypervisor's steal, from /proc.

The load average cannot say it: during the run it counts the benchmark's own processes (sixteen
writers, PostgreSQL, Kafka), so it is above the core count on a quiet machine too. Instead, the
busy time of all cores (/proc/stat) less the CPU time of our processes (this process and the
children it waited for, the PostgreSQL server's processes, the Kafka broker) is other work's; the
steal column is time the hypervisor gave to other machines while ours wanted to run."""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import asyncpg

from zc.load.procstat import TICKS, children, cpu_seconds

# Marked in the report past these: a quarter of a core of other work, or 5 % of the time stolen.
OTHER_CORES_NOTED = 0.25
STEAL_NOTED = 0.05


def cores_time() -> tuple[float, float, float]:
    """(busy, steal, all) seconds summed over the cores since boot, from /proc/stat's `cpu` line."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq
    return busy / TICKS, steal / TICKS, (busy + idle + iowait + steal) / TICKS


class HostShare:
    """`ours` returns the pids whose CPU time is the benchmark's (their waited-for children included)."""

    def __init__(self, ours: Callable[[], list[int]]) -> None:
        self.ours = ours
        self.began = self._sample()

    def _sample(self) -> tuple[float, float, float, float, float]:
        busy, steal, total = cores_time()
        return time.monotonic(), busy, steal, total, sum(cpu_seconds(p) for p in self.ours())

    def figures(self) -> dict:
        (t0, busy0, steal0, all0, ours0), (t1, busy1, steal1, all1, ours1) = self.began, self._sample()
        seconds = max(t1 - t0, 1e-9)
        others = max(0.0, (busy1 - busy0) - (ours1 - ours0))
        return {"seconds": seconds, "our_cores": (ours1 - ours0) / seconds, "other_cores": others / seconds,
                "steal_share": (steal1 - steal0) / max(all1 - all0, 1e-9)}


def noted(share: dict) -> bool:
    return share["other_cores"] > OTHER_CORES_NOTED or share["steal_share"] > STEAL_NOTED


def _pid_file(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


async def postmaster_pid(database_url: str) -> int | None:
    """The PostgreSQL postmaster, if it runs on this machine (its data directory is readable)."""
    conn = await asyncpg.connect(database_url)
    try:
        data = await conn.fetchval("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
    finally:
        await conn.close()
    return _pid_file(Path(data) / "postmaster.pid")


def kafka_pid(root: Path) -> int | None:
    """The broker `infra/stack.sh` started (its pid file), if it runs on this machine."""
    return _pid_file(root / "infra/.run/kafka/kafka.pid")


def our_processes(postmaster: int | None, kafka: int | None) -> Callable[[], list[int]]:
    def pids() -> list[int]:
        server = [postmaster, *children(postmaster)] if postmaster else []
        return [os.getpid(), *server, *([kafka] if kafka else [])]
    return pids
