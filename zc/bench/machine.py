"""The machine a report's figures came from: cores, memory, CPU, versions, and how busy it was."""
from __future__ import annotations

import os
import platform
import re
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import asyncpg


def _first(path: str, pattern: str) -> str:
    try:
        match = re.search(pattern, Path(path).read_text(), re.M)
    except OSError:
        return "?"
    return match.group(1).strip() if match else "?"


def _java() -> str:
    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
        return done.stderr.splitlines()[0] if done.stderr else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


async def _postgres(database_url: str) -> str:
    conn = await asyncpg.connect(database_url)
    try:
        fsync = await conn.fetchval("SHOW fsync")
        sync = await conn.fetchval("SHOW synchronous_commit")
        return f"{await conn.fetchval('SHOW server_version')} (fsync {fsync}, synchronous_commit {sync})"
    finally:
        await conn.close()


def kafka_version() -> str:
    pom = Path(__file__).resolve().parents[2] / "infra/kafka/pom.xml"
    return _first(str(pom), r"<kafka.version>([^<]+)<")


async def describe(database_url: str) -> dict:
    mem_kb = int(_first("/proc/meminfo", r"MemTotal:\s+(\d+)") or 0)
    return {"cores": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1),
            "cpu": _first("/proc/cpuinfo", r"model name\s*:\s*(.+)"), "kernel": platform.release(),
            "python": platform.python_version(), "postgresql": await _postgres(database_url),
            "kafka": kafka_version(), "java": _java(), "eventsourcing": _package("eventsourcing"),
            "host": platform.node(), "load_average_at_start": load_average()}


def load_average() -> list[float]:
    """/proc/loadavg's 1-, 5- and 15-minute figures: above the core count, other work shared the machine."""
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except (OSError, ValueError):
        return list(os.getloadavg())
