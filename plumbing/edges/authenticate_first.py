"""Authenticate first: a request without a valid token is answered 401 from its headers alone.

FastAPI reads and parses a body before it runs a route's security dependency, and a door's
in-flight bound counts a request from its headers on: a client without any token could hold the
door with slow bodies. This ASGI middleware, outside every other, checks the token's signature and
expiry with the routes' own verification (`security.verify`, i.e. plumbing/edges/auth.py) before
the in-flight bound and before any body byte is read, and answers a refusal with `Connection:
close`, so an unread body is never waited for. What the caller may do is still each route's
`caller(*roles)`; this only decides who it is. The verified caller's key travels in the scope
(`SCOPE_KEY`) for the per-principal in-flight bound (plumbing/edges/inflight.py).
"""
from __future__ import annotations

from collections.abc import Callable

from contracts.errors import Refused
from plumbing.edges.asyncapi_docs import PUBLIC_PATHS as ASYNCAPI_PATHS
from plumbing.edges.problems import refusal
from plumbing.edges.security import Caller
from plumbing.logging import get_logger

log = get_logger(__name__)

SCOPE_KEY = "zc.caller"
# What answers without a token (ARCHITECTURE "Trust boundaries"): the probes and the API docs;
# /metrics decides itself (loopback, or its own token).
PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json",
                          "/metrics"}) | ASYNCAPI_PATHS  # and the topics' AsyncAPI document with its viewer
PUBLIC_PREFIX = "/docs-assets/"  # the docs pages' scripts and styles (plumbing/edges/docs.py)


class AuthenticateFirst:
    def __init__(self, app, verify: Callable[[str | None], Caller]) -> None:
        self.app, self.verify = app, verify

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS or scope["path"].startswith(PUBLIC_PREFIX):
            return await self.app(scope, receive, send)
        header = next((v for k, v in scope.get("headers") or () if k == b"authorization"), None)
        try:
            scope[SCOPE_KEY] = self.verify(header.decode("latin-1") if header is not None else None)
        except Refused as refused:
            log.info("http.refused", status=refused.status, code=refused.code, path=scope["path"], before_body=True)
            response = refusal(refused, headers={"Connection": "close"})  # a 401 names its scheme (problems.py)
            return await response(scope, receive, send)
        await self.app(scope, receive, send)
