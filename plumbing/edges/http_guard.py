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

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CODES = {400: "MALFORMED_REQUEST", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND",
          405: "METHOD_NOT_ALLOWED", 413: "TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE"}


def _body(code: str, zh: str, en: str) -> dict:
    return {"code": code, "message_zh": zh, "message_en": en}


def install_guard(app: FastAPI) -> None:
    @app.middleware("http")
    async def refuse_control_characters(request: Request, call_next):
        raw = unquote(request.scope.get("path", "")) + unquote(request.scope.get("query_string", b"").decode("latin-1"))
        if _CONTROL.search(raw):
            return JSONResponse(_body("CONTROL_CHARACTER", "地址或查询参数含有控制字符",
                                      "the path or query contains control characters"), status_code=422)
        return await call_next(request)

    @app.exception_handler(StarletteHTTPException)
    async def framework_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _CODES.get(exc.status_code, f"HTTP_{exc.status_code}")
        return JSONResponse(_body(code, "请求无法处理", str(exc.detail)), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RecursionError)
    async def too_deep(_request: Request, _exc: RecursionError) -> JSONResponse:
        return JSONResponse(_body("TOO_DEEP", "提交的数据嵌套层级过深", "the body is nested too deeply"), status_code=422)
