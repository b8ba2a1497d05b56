"""Input the framework itself would turn into a 500 or a bare answer, refused with the project's
bilingual body instead: control characters in the path or query (422), framework errors such as
an unknown route, a wrong method or an unparsable body (their status, with a stable code), and
JSON nested too deeply to parse (422)."""
from __future__ import annotations

import re
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from plumbing.edges.problems import problem

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CODES = {400: "MALFORMED_REQUEST", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND",
          405: "METHOD_NOT_ALLOWED", 413: "TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE"}


def _body(status: int, code: str, zh: str, en: str, headers: dict | None = None) -> JSONResponse:
    return problem(status, code, zh, en, headers=headers)


def install_guard(app: FastAPI) -> None:
    @app.middleware("http")
    async def refuse_control_characters(request: Request, call_next):
        raw = unquote(request.scope.get("path", "")) + unquote(request.scope.get("query_string", b"").decode("latin-1"))
        if _CONTROL.search(raw):
            return _body(422, "CONTROL_CHARACTER", "地址或查询参数含有控制字符",
                         "the path or query contains control characters")
        return await call_next(request)

    @app.exception_handler(StarletteHTTPException)
    async def framework_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _CODES.get(exc.status_code, f"HTTP_{exc.status_code}")
        return _body(exc.status_code, code, "请求无法处理", str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RecursionError)
    async def too_deep(_request: Request, _exc: RecursionError) -> JSONResponse:
        return _body(422, "TOO_DEEP", "提交的数据嵌套层级过深", "the body is nested too deeply")
