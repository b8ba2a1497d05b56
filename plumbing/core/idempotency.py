"""Idempotency-Key for HTTP commands: the first answer is stored in the same transaction as the
command's events, so a retry gets that answer and nothing is stored twice."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable

import asyncpg

from contracts.errors import InvalidInput

Action = Callable[[asyncpg.Connection], Awaitable[tuple[int, dict]]]


def request_fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


async def run_once(pool: asyncpg.Pool, key: str | None, fingerprint: str, action: Action) -> tuple[int, dict]:
    async with pool.acquire() as conn, conn.transaction():
        if key:
            # A concurrent retry blocks here until the first commits, then reads its answer.
            fresh = await conn.fetchval(
                "INSERT INTO idempotency_keys (key, request_sha) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true",
                key, fingerprint)
            if not fresh:
                row = await conn.fetchrow("SELECT request_sha, status, body::text AS body FROM idempotency_keys"
                                          " WHERE key = $1", key)
                if row["request_sha"] != fingerprint:
                    raise InvalidInput("该幂等键已用于另一个请求", "this Idempotency-Key was used for a different request",
                                       code="IDEMPOTENCY_KEY_REUSED")
                return row["status"], json.loads(row["body"])
        status, body = await action(conn)
        if key:
            await conn.execute("UPDATE idempotency_keys SET status = $2, body = $3::jsonb WHERE key = $1",
                               key, status, json.dumps(body, ensure_ascii=False, default=str))
        return status, body


def scoped(key: str | None, caller_key: str) -> str | None:
    """An Idempotency-Key belongs to its caller: the same key from two callers is two keys, and
    nobody can read another caller's stored answer by guessing theirs."""
    return hashlib.sha256(f"{caller_key}\x1f{key}".encode()).hexdigest() if key else None
