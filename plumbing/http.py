"""HTTP helpers every service uses: bilingual error bodies, /healthz and /readyz."""
from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import structlog

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from contracts.errors import Refused
from plumbing.logging import get_logger

log = get_logger(__name__)


def install_correlation(app: FastAPI) -> None:
    """Every request's log lines carry its correlation id (X-Correlation-Id, or a new one)."""

    @app.middleware("http")
    async def correlate(request: Request, call_next):
        correlation_id = request.headers.get("X-Correlation-Id") or str(uuid.uuid4())
        structlog.contextvars.bind_contextvars(correlation_id=correlation_id, path=request.url.path)
        try:
            response = await call_next(request)
        finally:
            structlog.contextvars.unbind_contextvars("correlation_id", "path")
        response.headers["X-Correlation-Id"] = correlation_id
        return response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> JSONResponse:
        log.info("http.refused", path=request.url.path, status=exc.status, code=exc.code)
        return JSONResponse(exc.as_body(), status_code=exc.status, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"field": ".".join(str(p) for p in e["loc"][1:]) or "body", "code": e["type"],
                    "message_en": e["msg"]} for e in exc.errors()]
        body = {"code": "INVALID_INPUT", "message_zh": "提交的数据格式不正确，请检查标注的字段",
                "message_en": "the request is malformed; see the fields listed", "details": details}
        return JSONResponse(body, status_code=422)


def install_health(app: FastAPI, checks: dict[str, Callable[[], Awaitable[None]]]) -> None:
    @app.get("/healthz", tags=["ops"])
    async def healthz() -> dict:
        return {"status": "alive"}

    @app.get("/readyz", tags=["ops"])
    async def readyz() -> JSONResponse:
        results = {}
        for name, check in checks.items():
            try:
                await check()
                results[name] = "ok"
            except Exception as exc:  # noqa: BLE001 - report, do not crash the probe
                results[name] = f"unreachable: {type(exc).__name__}"
        ready = all(v == "ok" for v in results.values())
        return JSONResponse({"ready": ready, "checks": results}, status_code=200 if ready else 503)
