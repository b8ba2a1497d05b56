"""A bound on the requests a door works on at once. Over it, a request is answered 503 at once with
Retry-After, before its body is read or anything is stored: under overload the clients of an
unbounded door time out while the server keeps working on their abandoned requests, and
throughput collapses; a bounded door keeps serving the requests it took and sheds the rest."""
from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from contracts.errors import Refused
from plumbing.edges.problems import refusal as refusal_response
from plumbing.logging import get_logger

log = get_logger(__name__)

RETRY_AFTER_SECONDS = 1


def overloaded(limit: int) -> Refused:
    return Refused("系统繁忙，请稍后重试（本次申报未被保存）",
                   "the service is busy; try again shortly (nothing of this request was stored)",
                   code="OVERLOADED", status=503, details={"max_in_flight": limit,
                                                           "retry_after_seconds": RETRY_AFTER_SECONDS})


class InFlightLimit:
    """At most `limit` requests that `guarded(method, path)` selects in the app at once (ASGI: a
    request counts from its headers until its answer is sent)."""

    def __init__(self, app, limit: int, guarded: Callable[[str, str], bool]) -> None:
        self.app, self.limit, self.guarded = app, limit, guarded
        self.in_flight = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not self.guarded(scope["method"], scope["path"]):
            return await self.app(scope, receive, send)
        if self.in_flight >= self.limit:
            log.info("http.refused", status=503, code="OVERLOADED", path=scope["path"], in_flight=self.in_flight)
            refusal = overloaded(self.limit)
            response = refusal_response(refusal, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
            return await response(scope, receive, send)
        self.in_flight += 1  # one event loop: no await between the check and the count
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


def install_in_flight_limit(app: FastAPI, limit: int, guarded: Callable[[str, str], bool]) -> None:
    app.add_middleware(InFlightLimit, limit=limit, guarded=guarded)
