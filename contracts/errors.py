"""Refusals with a stable machine-readable code and a message in Chinese and English.

Domain cores raise these; the HTTP adapter turns them into `{"code", "message_zh",
"message_en", "details"}` with `status`. Codes are part of the API contract: never rename one.
"""
from __future__ import annotations


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
        body = {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}
        if self.details is not None:
            body["details"] = self.details
        return body


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


class TooLarge(Refused):
    """More than a door's limit (contracts/limits.py): a request body, or an event to store."""

    status = 413
    code = "TOO_LARGE"
