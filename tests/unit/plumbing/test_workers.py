"""A background loop that crashes, or returns while the service runs, is started again and says so."""
from __future__ import annotations

import asyncio

import pytest

from plumbing import workers
from plumbing.logging import configure
from plumbing.workers import Worker


@pytest.fixture(autouse=True)
def quick_backoff_and_live_logging(monkeypatch):
    monkeypatch.setattr(workers, "FIRST_BACKOFF_S", 0.01)
    monkeypatch.setattr(workers, "MAX_BACKOFF_S", 0.02)
    # An earlier test may have left the loggers writing to its own captured (now closed) stream.
    configure("test", json=True)


async def _until(condition, timeout: float = 5.0) -> None:
    async def wait():
        while not condition():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(wait(), timeout)


async def test_a_loop_that_crashes_on_an_unexpected_error_is_started_again():
    stopping, runs, crashed = asyncio.Event(), [], []

    async def loop():
        runs.append(1)
        if len(runs) < 3:
            raise KeyError("a bug nobody expected")
        await stopping.wait()

    worker = Worker("relay", loop, stopping, on_crash=crashed.append, _backoff=0.01)
    task = asyncio.create_task(worker.run())
    await _until(lambda: len(runs) == 3)
    assert worker.reason() is None  # running again
    stopping.set()
    await asyncio.wait_for(task, 2)
    assert (worker.crashes, crashed) == (2, ["relay", "relay"])
    assert "KeyError" in worker.last_error


async def test_a_worker_waiting_to_start_again_says_which_and_why():
    stopping = asyncio.Event()

    async def loop():
        raise RuntimeError("broker said no")

    worker = Worker("stall-watch", loop, stopping)
    worker._backoff = 60  # it stays down long enough to be asked
    task = asyncio.create_task(worker.run())
    await _until(lambda: worker.crashes == 1)
    assert "stall-watch crashed (RuntimeError: broker said no)" in worker.reason()
    stopping.set()
    await asyncio.wait_for(task, 2)


async def test_a_loop_that_returns_while_the_service_runs_is_a_crash_but_not_when_stopping():
    stopping, runs = asyncio.Event(), []

    async def loop():
        runs.append(1)
        if len(runs) == 2:
            stopping.set()

    worker = Worker("projection", loop, stopping)
    await asyncio.wait_for(worker.run(), 2)
    assert (len(runs), worker.crashes) == (2, 1)
    assert worker.last_error == "returned while the service still runs"


async def test_cancelling_a_worker_cancels_it_rather_than_restarting_it():
    stopping = asyncio.Event()
    worker = Worker("dispatcher", lambda: asyncio.sleep(3600), stopping)
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert worker.crashes == 0


async def test_a_cancelled_error_that_nobody_asked_for_is_a_crash_not_the_end_of_the_worker():
    """aiokafka cancels a request's future when the broker connection closes: the caller receives a
    CancelledError although its task was never cancelled (how the stall watcher died after a restart)."""
    stopping, runs = asyncio.Event(), []

    async def loop():
        runs.append(1)
        if len(runs) == 1:
            raise asyncio.CancelledError()
        await stopping.wait()

    worker = Worker("stall-watch", loop, stopping)
    task = asyncio.create_task(worker.run())
    await _until(lambda: len(runs) == 2)
    assert worker.crashes == 1 and not task.done()
    stopping.set()
    await asyncio.wait_for(task, 2)


async def test_keep_running_reconnects_after_a_leaked_cancelled_error_and_still_obeys_a_real_cancel():
    from plumbing.loops import keep_running

    stop, sessions = asyncio.Event(), []

    async def session():
        sessions.append(1)
        if len(sessions) == 1:
            raise asyncio.CancelledError()
        await asyncio.sleep(3600)

    task = asyncio.create_task(keep_running(session, stop, name="watch", errors=(OSError,), retry_after=0.01))
    await _until(lambda: len(sessions) == 2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
