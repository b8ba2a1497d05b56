"""The season never waits for ever on its load generator: a generator that finished its step but
hangs in its clean-up is stopped once its result is written (the figures kept), one that overruns
is stopped at the bound (reported, no figures), and a stopped generator says what its tasks were
waiting for. Cancelling the step's tasks is bounded too."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

from zc.bench import season
from zc.load.generator import stop_tasks


def _python(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stderr=subprocess.PIPE, text=True)


def test_a_generator_that_exits_is_not_a_problem(tmp_path):
    out = tmp_path / "out.json"
    out.touch()
    assert season.await_generator(_python("pass"), out, 30) is None


def test_a_generator_hanging_after_its_result_is_stopped_and_its_result_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(season, "RESULT_GRACE_SECONDS", 0.5)
    out = tmp_path / "out.json"
    out.touch()
    proc = _python(f"""
        import pathlib, time
        pathlib.Path({str(out)!r}).write_text('{{"filings": []}}')
        time.sleep(600)""")
    problem = season.await_generator(proc, out, 60)
    assert proc.returncode is not None and "after writing its result" in problem
    assert out.read_text() == '{"filings": []}'


def test_a_generator_overrunning_its_bound_is_stopped(tmp_path):
    out = tmp_path / "out.json"
    out.touch()
    proc = _python("import time; time.sleep(600)")
    assert "did not finish within 1 s" in season.await_generator(proc, out, 1)
    assert proc.returncode is not None


def test_a_stopped_generator_says_what_its_tasks_were_waiting_for():
    proc = _python("""
        import asyncio, os, signal
        from zc.load.__main__ import _tell_where_and_go
        signal.signal(signal.SIGTERM, _tell_where_and_go)

        async def waiting_for_an_answer():
            await asyncio.sleep(600)

        async def main():
            asyncio.get_running_loop().call_later(0.3, os.kill, os.getpid(), signal.SIGTERM)
            await waiting_for_an_answer()
        asyncio.run(main())""")
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 3
    assert "stopped while these tasks were running" in err and "waiting_for_an_answer" in err


async def test_cancelling_a_task_that_will_not_end_is_bounded():
    release = asyncio.Event()

    async def stubborn():
        while not release.is_set():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                continue  # as a clean-up that hangs would

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    await asyncio.wait_for(stop_tasks([task], seconds=0.2), 5)  # returns: the step is not held
    assert not task.done()
    release.set()
    task.cancel()  # lets it end now, so the test's loop closes
    await asyncio.wait([task], timeout=5)
    assert task.done()
