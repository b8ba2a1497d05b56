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


async def keep_running(session: Callable[[], Awaitable[None]], stop: asyncio.Event, *, name: str,
                       errors: tuple[type[BaseException], ...], retry_after: float = 1.0) -> None:
    """Run `session` until `stop` is set; a lost database or broker connection is retried, never fatal."""
    while not stop.is_set():
        try:
            await session()
        except errors as exc:
            log.warning(f"{name}.reconnecting", error=repr(exc))
            await nap(stop, retry_after)
