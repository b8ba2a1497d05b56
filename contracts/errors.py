"""Refusals with a stable machine-readable code and a message in Chinese and English.

Domain cores raise these; the HTTP adapter answers them as RFC 9457 problem details
(`application/problem+json`): the standard members `type`, `title`, `status`, `detail`, and ours
as extension members, `code`, `message_zh`, `message_en`, `details`. Codes are part of the API
contract: never rename one.
"""
from __future__ import annotations

# The reason phrases of the statuses we answer (the `title` of a problem; `http` is I/O-adjacent and
# not imported by contracts).
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
          406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict", 412: "Precondition Failed", 413: "Content Too Large",
          415: "Unsupported Media Type", 422: "Unprocessable Content", 428: "Precondition Required",
          429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}
PROBLEM_TYPE = "urn:zhicheng:problem:"  # + the code, lower case: a stable identifier, not a page to fetch


def problem_body(status: int, code: str, message_zh: str, message_en: str, details: object = None) -> dict:
    """An RFC 9457 problem with the project's bilingual extension members."""
    return {"type": PROBLEM_TYPE + code.lower(), "title": TITLES.get(status, f"HTTP {status}"), "status": status,
            "detail": message_en, "code": code, "message_zh": message_zh, "message_en": message_en,
            "details": [] if details is None else details}


class Refused(Exception):
    status = 422
    code = "REFUSED"

    def __init__(self, message_zh: str, message_en: str, *, code: str | None = None,
                 status: int | None = None, details: object = None) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details

    def as_body(self) -> dict:
        return problem_body(self.status, self.code, self.message_zh, self.message_en, self.details)


class InvalidInput(Refused):
    status = 422
    code = "INVALID_INPUT"


class Conflict(Refused):
    """The request is well formed but the current state does not allow it."""

    status = 409
    code = "CONFLICT"


class Forbidden(Refused):
    status = 403
    code = "FORBIDDEN"


class NotFound(Refused):
    status = 404
    code = "NOT_FOUND"


class PreconditionFailed(Refused):
    """`If-Match` (or a batch item's `expected_version`) names a version the stream has moved past."""

    status = 412
    code = "VERSION_MISMATCH"


class TooLarge(Refused):
    """More than a door's limit (contracts/limits.py): a request body, or an event to store."""

    status = 413
    code = "TOO_LARGE"
