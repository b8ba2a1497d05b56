"""Every error a service answers is an RFC 9457 problem (`application/problem+json`), and the
OpenAPI document says so: the `Problem` schema, one example per status, and the statuses every
operation can answer (authentication, role, rate limit, body limit, overload...) listed on each.

The body itself is built in contracts/errors.py (`problem_body`), so a refusal raised in a domain
core, a framework error and a batch item's failure all have one shape.
"""
from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from contracts.errors import PROBLEM_TYPE, TITLES, Refused, problem_body

PROBLEM_JSON = "application/problem+json"
# RFC 6750 §3: a 401 names the scheme the client must use.
WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="zhicheng"'}


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def problem(status: int, code: str, message_zh: str, message_en: str, details: object = None,
            headers: dict[str, str] | None = None) -> ProblemResponse:
    if status == 401:
        headers = {**WWW_AUTHENTICATE, **(headers or {})}
    return ProblemResponse(problem_body(status, code, message_zh, message_en, details), status_code=status,
                           headers=headers)


def refusal(exc: Refused, headers: dict[str, str] | None = None) -> ProblemResponse:
    return problem(exc.status, exc.code, exc.message_zh, exc.message_en, exc.details, headers)


class Problem(BaseModel):
    """RFC 9457 problem details, with the bilingual members every refusal carries."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [problem_body(
        404, "NOT_FOUND", "未找到该申报", "no such application")]})

    type: str = Field(description=f"{PROBLEM_TYPE}<code in lower case>")
    title: str = Field(description="the HTTP status's reason phrase")
    status: int
    detail: str = Field(description="what went wrong, in English (the same as message_en)")
    code: str = Field(description="stable machine-readable code; never renamed")
    message_zh: str
    message_en: str
    details: Any = Field(description="what the code needs said: the fields refused, a limit, ...")


# What any operation may answer besides its own outcomes, and a sample of each.
_COMMON: dict[int, tuple[str, str, str, Any]] = {
    401: ("UNAUTHENTICATED", "请先登录（缺少访问令牌）", "missing bearer token", []),
    403: ("ROLE_NOT_ALLOWED", "“applicant”角色无权访问此接口", "role applicant may not call this route", []),
    413: ("BODY_TOO_LARGE", "请求内容过大", "the request body is larger than 2097152 bytes",
          {"limit_bytes": 2097152, "content_length": 3000000}),
    422: ("INVALID_INPUT", "提交的数据格式不正确，请检查标注的字段", "the request is malformed; see the fields listed",
          [{"field": "reason", "code": "missing", "message_zh": "缺少必填字段", "message_en": "Field required"}]),
    429: ("RATE_LIMITED", "请求过于频繁，请稍后再试", "too many requests; retry later", {"retry_after_seconds": 2}),
    503: ("OVERLOADED", "系统繁忙，请稍后重试", "too many requests in flight; retry later", {"max_in_flight": 64}),
}
_OWN: dict[int, tuple[str, str, str, Any]] = {
    400: ("MALFORMED_REQUEST", "请求无法处理", "There was an error parsing the body", []),
    404: ("NOT_FOUND", "未找到该申报", "no such application", []),
    409: ("CONFLICT", "当前状态不允许此操作", "the current state does not allow this", []),
    412: ("VERSION_MISMATCH", "该记录已被他人更新，请刷新后再操作", "the case is at version 4, not 3",
          {"expected_version": 3, "current_version": 4}),
}


def _response(status: int, sample: tuple[str, str, str, Any], description: str | None = None) -> dict:
    code, zh, en, details = sample
    return {"description": description or TITLES.get(status, f"HTTP {status}"),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"},
                                       "example": problem_body(status, code, zh, en, details)}}}


def document_problems(schema: dict) -> dict:
    """Put the Problem schema in the document, replace FastAPI's own 422 shape with it, and list on
    every operation the statuses any request can meet. Operations that declared other error
    statuses (`errors(...)` below) keep their descriptions and get the problem content."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            guarded = bool(operation.get("security"))
            for status, sample in _COMMON.items():
                if status in (401, 403, 429) and not guarded or str(status) in responses:
                    continue
                responses[str(status)] = _response(status, sample)
            for status, response in list(responses.items()):  # the route's own (errors(...)), and FastAPI's 422
                if status[0] in "45" and PROBLEM_JSON not in response.get("content", {}):
                    sample = _OWN.get(int(status)) or _COMMON.get(int(status)) or (
                        f"HTTP_{status}", "请求无法处理", TITLES.get(int(status), status), [])
                    responses[status] = _response(int(status), sample, response.get("description"))
    return schema


def errors(*statuses: int, **described: str) -> dict:
    """`responses=` for a route's own error statuses (404, 409, 412...): FastAPI keeps the
    description; `document_problems` gives each the Problem content."""
    out: dict[int | str, dict] = {s: {"description": TITLES.get(s, f"HTTP {s}")} for s in statuses}
    for key, text in described.items():
        out[int(key.removeprefix("s"))] = {"description": text}
    return out
