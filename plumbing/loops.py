"""The two shapes every background worker here has: sleep until woken (or a timeout), and keep a
session running until stopped, reconnecting after infrastructure failures."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from plumbing.logging import get_logger

log = get_logger(__name__)


async def nap(event: asyncio.Event, seconds: float, *, clear: bool = False) -> None:
    """Wait until `event` is set or `seconds` pass. `clear` first for a wake-up signal (LISTEN)."""
    if clear:
        event.clear()
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        pass


def cancelled_for_real() -> bool:
    """Is this task being cancelled (by its owner), or did a library let a CancelledError out?
    aiokafka cancels the futures of requests in flight when a broker connection closes, and the
    caller can receive that CancelledError although nobody cancelled it: before this check, one
    such error after a broker restart ended the stall watcher for good."""
    task = asyncio.current_task()
    return task is None or task.cancelling() > 0


async def keep_running(session: Callable[[], Awaitable[None]], stop: asyncio.Event, *, name: str,
                       errors: tuple[type[BaseException], ...], retry_after: float = 1.0) -> None:
    """Run `session` until `stop` is set; a lost database or broker connection is retried, never fatal."""
    while not stop.is_set():
        try:
            await session()
        except errors as exc:
            log.warning(f"{name}.reconnecting", error=repr(exc))
            await nap(stop, retry_after)
        except asyncio.CancelledError:
            if cancelled_for_real():
                raise
            log.warning(f"{name}.reconnecting", error="CancelledError from a client whose connection closed")
            await nap(stop, retry_after)


async def stop_quietly(closing: Awaitable[None], event: str, timeout: float = 10.0) -> None:
    """Close a client after its session failed: a broker that is away can make the close itself
    fail or hang, and that must not end (or freeze) the loop that will open a new one."""
    try:
        await asyncio.wait_for(closing, timeout)
    except asyncio.CancelledError:
        if cancelled_for_real():
            raise
        log.warning(event, error="CancelledError from a client whose connection closed")
    except Exception as exc:  # noqa: BLE001 - the client is being thrown away either way
        log.warning(event, error=repr(exc))
