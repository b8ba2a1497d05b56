"""HTTP helpers every service uses: bilingual error bodies, a request-body limit, /healthz and /readyz."""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import structlog

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from contracts.errors import Refused, TooLarge
from plumbing.core.causes import caused_by, from_request
from plumbing.edges.field_errors import message_zh
from plumbing.edges.answers import Health, Readiness
from plumbing.edges.openapi import contract
from plumbing.edges.problems import problem, refusal
from plumbing.logging import get_logger
from plumbing.tracing import header_span_id, span
from opentelemetry.trace import SpanKind
from plumbing.stall import NotReady

log = get_logger(__name__)


def install_correlation(app: FastAPI, *, access_log: bool = True) -> None:
    """The request's cause (plumbing/core/causes.py): X-Correlation-Id or traceparent becomes the
    correlation id of every event it causes and of every log line; the request gets its own id,
    the causation id of the events it decides. Both are answered in headers. With `access_log`,
    one `http.access` line per request (method, route, status, duration). An exception no handler
    answered is logged here, with its traceback and the request's ids, and answered as a 500 problem."""

    @app.middleware("http")
    async def correlate(request: Request, call_next):
        start = time.perf_counter()
        with caused_by(from_request(request.headers)) as cause, \
                structlog.contextvars.bound_contextvars(path=request.url.path):
            try:
                # A caller's traceparent in the same trace is the parent (the web front end, a client's span).
                with span(f"{request.method} {request.url.path}", cause.correlation_id, kind=SpanKind.SERVER,
                          parent_id=header_span_id(request.headers, cause.correlation_id),
                          **{"http.request.method": request.method, "url.path": request.url.path}) as server:
                    response = await call_next(request)
                    route = getattr(request.scope.get("route"), "path", None)
                    if route:
                        server.update_name(f"{request.method} {route}")
                    server.set_attribute("http.response.status_code", response.status_code)
            except Exception:  # noqa: BLE001 - the last place that knows the request's ids
                log.exception("http.unhandled", method=request.method)
                response = problem(500, "INTERNAL_ERROR", "服务器内部错误，请稍后重试；如持续出现请提供关联编号",
                                   "internal error; if it persists, quote the correlation id",
                                   {"correlation_id": str(cause.correlation_id)})
            if access_log:
                route = getattr(request.scope.get("route"), "path", None)
                log.info("http.access", method=request.method, route=route, status=response.status_code,
                         duration_ms=round((time.perf_counter() - start) * 1000, 1),
                         client=request.client.host if request.client else None)
        response.headers["X-Correlation-Id"] = str(cause.correlation_id)
        response.headers["X-Causation-Id"] = str(cause.causation_id)
        return response


# Answers that never carry personal data or anyone's case: the probes, the metrics, the docs.
NOT_PERSONAL = ("/healthz", "/readyz", "/metrics", "/docs", "/redoc", "/openapi.json", "/docs-assets/")


def install_no_store(app: FastAPI) -> None:
    """`Cache-Control: no-store` on every other answer (errors included): a case, an inbox or an
    export names people, and no shared or browser cache may keep it (RFC 9111 §5.2.2.5)."""

    @app.middleware("http")
    async def no_store(request: Request, call_next):
        response = await call_next(request)
        path = request.url.path
        if not any(path == p or (p.endswith("/") and path.startswith(p)) for p in NOT_PERSONAL):
            response.headers["Cache-Control"] = "no-store"
        return response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> JSONResponse:
        log.info("http.refused", path=request.url.path, status=exc.status, code=exc.code)
        return refusal(exc, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"field": ".".join(str(p) for p in e["loc"][1:]) or "body", "code": e["type"],
                    "message_zh": message_zh(e), "message_en": _message_en(e)} for e in exc.errors()]
        return problem(422, "INVALID_INPUT", "提交的数据格式不正确，请检查标注的字段",
                       "the request is malformed; see the fields listed", details)


def _message_en(error: dict) -> str:
    """pydantic's message; for a body that is not JSON, also why (e.g. the key given twice)."""
    reason = (error.get("ctx") or {}).get("error") if error["type"] == "json_invalid" else None
    return f"{error['msg']}: {reason}" if isinstance(reason, str) and reason else error["msg"]


def install_health(app: FastAPI, checks: dict[str, Callable[[], Awaitable[None]]]) -> None:
    @app.get("/healthz", tags=["ops"], summary="Alive (the process answers)", **contract("healthz", Health))
    async def healthz() -> dict:
        return {"status": "alive"}

    @app.get("/readyz", tags=["ops"], summary="Ready: database, Kafka, workers, outbox and consumers",
             **contract("readyz", Readiness, fails=(503,)))
    async def readyz() -> JSONResponse:
        results = {}
        for name, check in checks.items():
            try:
                await check()
                results[name] = "ok"
            except NotReady as exc:
                results[name] = f"stalled: {exc}"
            except Exception as exc:  # noqa: BLE001 - report, do not crash the probe
                results[name] = f"unreachable: {type(exc).__name__}"
        ready = all(v == "ok" for v in results.values())
        return JSONResponse({"ready": ready, "checks": results}, status_code=200 if ready else 503)


def body_too_large(limit: int, size: int | None) -> TooLarge:
    return TooLarge(f"请求内容过大（上限{limit}字节）；证件照须小于1MB", f"the request body is larger than {limit} bytes",
                    code="BODY_TOO_LARGE", details={"limit_bytes": limit, "content_length": size})


class BodyLimit:
    """Refuse request bodies over `max_bytes` with 413 before the route reads them: by the declared
    Content-Length at once, and by counting for a body sent without one (chunked). A door of its
    own (intake's uploads) may have its own bound in `per_path` (path prefix → bytes)."""

    def __init__(self, app, max_bytes: int, per_path: dict[str, int] | None = None) -> None:
        self.app, self.max_bytes, self.per_path = app, max_bytes, per_path if per_path is not None else {}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        limit = next((n for prefix, n in self.per_path.items() if path.startswith(prefix)), self.max_bytes)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await self._refuse(send, limit, int(declared) if declared.isdigit() else None)
        received, exceeded, started = 0, False, False

        async def counting_receive():
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    return {"type": "http.request", "body": b"", "more_body": False}  # read no further
            return message

        async def guarded_send(message):
            nonlocal started
            if exceeded:  # whatever the route answered to a cut-off body, the answer is 413
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(send, limit, received)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counting_receive, guarded_send)

    @staticmethod
    async def _refuse(send, limit: int, size: int | None) -> None:
        log.info("http.refused", status=413, code="BODY_TOO_LARGE", size=size)
        response = refusal(body_too_large(limit, size))
        await response({"type": "http"}, None, send)


def install_body_limit(app: FastAPI, max_bytes: int) -> None:
    """`app.state.body_limit_paths` (path prefix → bytes) gives a door its own bound."""
    app.state.body_limit_paths = {}
    app.add_middleware(BodyLimit, max_bytes=max_bytes, per_path=app.state.body_limit_paths)
