"""A service told to stop (SIGTERM, as supervisord and `make down` do) stops within a bound even when
a request in flight never finishes: uvicorn gives requests 10 s, then goes (before supervisord's 20 s
SIGKILL, so the service's own shutdown still runs). Without the bound one hung request kept the stop
waiting for ever (the benchmark's tear-down waited for its kill)."""
from __future__ import annotations

import asyncio
import signal
import subprocess
import time

from tests.e2e.api import applicant_token
from tests.e2e.test_intake_in_flight_limit import _hold
from tests.e2e.test_rate_limits_and_start_up import _ready, _start
from tests.fixtures.builders import ID_NUMBER
from tests.integration_support import drop_database


async def test_a_request_that_never_finishes_does_not_keep_a_stop_waiting():
    proc, url, database = _start("intake")
    try:
        _ready(proc, url)
        reader, writer, _rest = await _hold(url, applicant_token(ID_NUMBER))  # its body never completes
        await asyncio.sleep(1)  # the server has taken it up
        began = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.to_thread(proc.wait, 18)
        except subprocess.TimeoutExpired:
            raise AssertionError("intake still running 18 s after SIGTERM with a request in flight") from None
        assert time.monotonic() - began >= 5  # the request in flight was given its time first
        assert code in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once it has shut down
        writer.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        await drop_database(database)
