"""Idempotency-Key for HTTP commands: the first answer is stored in the same transaction as the
command's events, so a retry gets that answer and nothing is stored twice."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable

from contracts.errors import InvalidInput
from plumbing.core.unit_of_work import UnitOfWork


def request_fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


async def run_in(uow: UnitOfWork, key: str | None, fingerprint: str,
                 action: Callable[[UnitOfWork], Awaitable[tuple[int, dict]]]) -> tuple[int, dict]:
    """The HTTP edge's unit of work: `action` runs in `uow`'s transaction together with the key's
    record, so a retry with the key gets the first answer and nothing is recorded twice."""
    async with uow:
        if key:
            if (first := await uow.claim_key(key, fingerprint)) is not None:
                request_sha, status, body = first
                if request_sha != fingerprint:
                    raise InvalidInput("该幂等键已用于另一个请求", "this Idempotency-Key was used for a different request",
                                       code="IDEMPOTENCY_KEY_REUSED")
                return status, body
        status, body = await action(uow)
        if key:
            await uow.answer_key(key, status, body)
        return status, body


def scoped(key: str | None, caller_key: str) -> str | None:
    """An Idempotency-Key belongs to its caller: the same key from two callers is two keys, and
    nobody can read another caller's stored answer by guessing theirs."""
    return hashlib.sha256(f"{caller_key}\x1f{key}".encode()).hexdigest() if key else None
