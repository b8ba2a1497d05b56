"""A stack started on some ports is never mistaken for one on other ports: the scripts report the
port their server really listens on, and refuse to "start" it again on another one."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str, action: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run([str(ROOT / "infra" / name / f"{name}.sh"), action], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True)


@pytest.mark.parametrize("name, variable", [("postgres", "ZC_PG_PORT"), ("kafka", "ZC_KAFKA_PORT")])
def test_a_running_server_is_reported_on_its_own_port_and_not_restarted_on_another(name, variable):
    status = _script(name, "status").stdout
    # `make test` (infra/stack.sh test) always runs this worktree's own servers: a stopped one is a failure.
    assert "running" in status, f"this worktree's {name} is not running: {status!r}"
    port = status.strip().rsplit(":", 1)[1]
    asked = _script(name, "status", **{variable: "61011"}).stdout
    assert asked.strip().endswith(f"127.0.0.1:{port}") and "61011" not in asked
    refused = _script(name, "start", **{variable: "61011"})
    assert refused.returncode != 0 and f"runs on port {port}, not 61011" in refused.stderr
