"""A service that is alive but frozen is not an exit, so supervisord alone would leave it: the
watchdog (zc/watchdog.py) kills it after its failed /healthz probes and supervisord starts it again."""
from __future__ import annotations

import os
import signal
import time

import pytest


@pytest.mark.timeout(400)
def test_a_frozen_service_is_killed_by_the_watchdog_and_comes_back_ready(supervised):
    supervisor = supervised.supervisor
    supervisor.wait_ready(["review"], 120)
    frozen = supervisor.pid("review")
    os.kill(frozen, signal.SIGSTOP)  # alive, answers nothing
    try:
        deadline = time.monotonic() + 180  # grace after start + failed probes + the restart
        while supervisor.pid("review") in (0, frozen) and time.monotonic() < deadline:
            time.sleep(1)
        assert supervisor.pid("review") not in (0, frozen), "the frozen process was left running"
    finally:
        try:
            os.kill(frozen, signal.SIGCONT)  # if it is still there, let the next tests have it back
        except ProcessLookupError:
            pass
    supervisor.wait_ready(["review"], 120)
    log = supervisor.log("watchdog").read_text(encoding="utf-8", errors="replace")
    assert "review has not answered /healthz" in log
