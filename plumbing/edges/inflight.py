"""A bound on the requests a door works on at once. Over it, a request is answered 503 at once with
Retry-After, before its body is read or anything is stored: under overload the clients of an
unbounded door time out while the server keeps working on their abandoned requests, and
throughput collapses; a bounded door keeps serving the requests it took and sheds the rest."""
from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from contracts.errors import Refused
from plumbing.edges.authenticate_first import SCOPE_KEY
from plumbing.edges.problems import refusal as refusal_response
from plumbing.logging import get_logger

log = get_logger(__name__)

RETRY_AFTER_SECONDS = 1


def overloaded(limit: int, per_principal: int | None = None) -> Refused:
    details = {"max_in_flight": limit, "retry_after_seconds": RETRY_AFTER_SECONDS}
    if per_principal is not None:
        details["max_in_flight_per_principal"] = per_principal
    return Refused("系统繁忙，请稍后重试（本次申报未被保存）",
                   "the service is busy; try again shortly (nothing of this request was stored)",
                   code="OVERLOADED", status=503, details=details)


class InFlightLimit:
    """At most `limit` requests that `guarded(method, path)` selects in the app at once, and at most
    `per_principal` of one caller (ASGI: a request counts from its headers until its answer is
    sent). The caller is the one the authenticate-first middleware verified, outside this one
    (plumbing/edges/authenticate_first.py): a request without a valid token never gets here, so it
    takes no place, and one caller's slow requests take at most `per_principal` places."""

    def __init__(self, app, limit: int, guarded: Callable[[str, str], bool], per_principal: int | None = None) -> None:
        self.app, self.limit, self.guarded, self.per_principal = app, limit, guarded, per_principal
        self.in_flight = 0
        self.by_principal: dict[str, int] = {}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not self.guarded(scope["method"], scope["path"]):
            return await self.app(scope, receive, send)
        who = getattr(scope.get(SCOPE_KEY), "key", None)
        mine = self.by_principal.get(who, 0) if who is not None else 0
        if self.in_flight >= self.limit or (self.per_principal is not None and mine >= self.per_principal):
            log.info("http.refused", status=503, code="OVERLOADED", path=scope["path"], in_flight=self.in_flight,
                     principal_in_flight=mine)
            refusal = overloaded(self.limit, self.per_principal)
            # Connection: close: its body is never read, so the connection is not worth keeping
            response = refusal_response(refusal, headers={"Retry-After": str(RETRY_AFTER_SECONDS),
                                                          "Connection": "close"})
            return await response(scope, receive, send)
        self.in_flight += 1  # one event loop: no await between the check and the count
        if who is not None:
            self.by_principal[who] = mine + 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
            if who is not None:
                left = self.by_principal.pop(who) - 1
                if left:
                    self.by_principal[who] = left


def install_in_flight_limit(app: FastAPI, limit: int, guarded: Callable[[str, str], bool],
                            per_principal: int | None = None) -> None:
    app.add_middleware(InFlightLimit, limit=limit, guarded=guarded, per_principal=per_principal)
