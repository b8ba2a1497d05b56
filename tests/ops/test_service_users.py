"""Under supervisord (as `make up` runs them) each service is a process of its own unprivileged
system user, started from the runtime installation outside the checkout, holding its own
credentials file and none of the set-up's (zc/supervise.py, zc/install.py, plumbing/provision.py)."""
from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from plumbing.provision import credentials_file, system_user
from zc.install import runtime_python
from zc.supervise import ROOT, SERVICES

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="system users are made by a set-up running as root")


def _ids(pid: int, field: str) -> set[int]:
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith(f"{field}:"))
    return {int(n) for n in line.split()[1:]}


def _environ(pid: int) -> dict[str, str]:
    pairs = (e.split("=", 1) for e in Path(f"/proc/{pid}/environ").read_bytes().decode().split("\0") if "=" in e)
    return dict(pairs)


def test_each_supervised_service_runs_as_its_own_system_user_from_the_installed_runtime(supervised):
    uids = {}
    for service in SERVICES:
        pid = supervised.supervisor.pid(service)
        assert pid, service
        user = pwd.getpwnam(system_user(service))
        # real, effective, saved and filesystem ids: all the service's own, none root's
        assert _ids(pid, "Uid") == {user.pw_uid} and user.pw_uid != 0, service
        assert _ids(pid, "Gid") == {user.pw_gid}, service
        uids[service] = user.pw_uid
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert command[0].decode() == str(runtime_python()), command
        assert not os.readlink(f"/proc/{pid}/cwd").startswith(str(ROOT))
        env = _environ(pid)
        assert env["ZC_DB_CREDENTIALS"] == env["ZC_KAFKA_CREDENTIALS"] == str(credentials_file(service))
        assert "PGPASSFILE" not in env
        mapped = {line.split()[-1] for line in Path(f"/proc/{pid}/maps").read_text().splitlines() if "/" in line}
        assert not [m for m in mapped if m.startswith(str(ROOT) + "/")], service  # no library of the checkout's
    assert len(set(uids.values())) == len(SERVICES)  # one user each
