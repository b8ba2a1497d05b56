"""The project as it is shipped: its wheel, installed (not editable) in a virtualenv of its own, runs
every service from outside the source tree. That virtualenv is the runtime installation the
supervised services run from (zc/install.py: a system interpreter, requirements.lock with hashes,
the wheel built from the packages), so a file the services read that the wheel does not carry (a
migration, the plan, a template) fails here, not at an operator's."""
from __future__ import annotations

import json
import os
import subprocess
import urllib.request

from plumbing.provision import credentials_file
from tests.e2e.conftest import SERVICES, Stack, running
from zc.install import ensure_runtime, runtime_dir
from zc.supervise import ROOT

PROBE = """
import importlib.metadata, json, sys
import contracts, identity, plumbing, services, web, zc
print(json.dumps({"files": [m.__file__ for m in (contracts, identity, plumbing, services, web, zc)],
                  "path": sys.path, "direct_url": importlib.metadata.distribution("zhicheng").read_text("direct_url.json")}))
"""


class InstalledStack(Stack):
    """The four services started with the installed interpreter, in a folder outside the checkout."""

    def __init__(self, python, cwd) -> None:
        super().__init__(tag="whl")
        self.python, self.cwd = python, cwd
        self.env["PYTHONPATH"] = ""  # nothing of the checkout on the path, even if the caller had it there

    def start(self, service: str) -> None:
        # Its own credentials file for Kafka too, as supervisord gives it (the default file is the checkout's).
        self.env["ZC_KAFKA_CREDENTIALS"] = str(credentials_file(service))
        super().start(service)


def _outside(path: str) -> bool:
    return not os.path.realpath(path).startswith(str(ROOT) + os.sep)


def test_the_installed_wheel_runs_every_service_from_outside_the_source_tree(tmp_path):
    python = ensure_runtime()  # cached: built by the set-up step unless a package file changed since
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = json.loads(subprocess.run([str(python), "-c", PROBE], cwd=tmp_path, env=env, capture_output=True,
                                      text=True, check=True).stdout)
    # Every package is the wheel's copy in the virtualenv, none the checkout's (an editable install
    # would point back into it), and the checkout is not on the path.
    assert all(_outside(f) and os.path.realpath(f).startswith(str(runtime_dir())) for f in probe["files"]), probe["files"]
    assert all(_outside(p) for p in probe["path"] if p), probe["path"]
    origin = json.loads(probe["direct_url"])  # PEP 610: how pip installed it
    assert "archive_info" in origin and "dir_info" not in origin  # from the built wheel file, not editable
    with running(InstalledStack(python, tmp_path)) as stack:
        for service in SERVICES:
            with urllib.request.urlopen(stack.url(service) + "/readyz", timeout=5) as answer:
                assert answer.status == 200, service
            assert _outside(os.readlink(f"/proc/{stack.procs[service].pid}/cwd"))
