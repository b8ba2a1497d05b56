"""The SMS gateway port, and its adapter for a real provider over HTTP.

Exactly once, honestly: notify records the notification (with its dedup key) before sending and
marks it sent after. A crash between the two makes the redelivered event send again, with the
same key as `Idempotency-Key`; a provider that honours the key returns its first answer and sends
no second SMS. That holds within the provider's key-retention window and only for providers that
honour the header; otherwise the boundary is at-least-once and a duplicate SMS is possible.
"""
from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpx

from services.notify.domain.retry import RetryPolicy


@dataclass(frozen=True)
class GatewayResult:
    ok: bool
    attempts: int
    provider_message_id: str = ""
    status: int | None = None  # the last HTTP status, None after a timeout or transport error
    reason: str = ""
    permanent: bool = False  # True: retrying later will not help (bad number, bad credentials)


class GatewayConfigError(ValueError):
    pass


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - (now or datetime.now(timezone.utc))).total_seconds(), 0.0)


class HttpSmsGateway:
    """POST {to, text} as JSON with Bearer credentials and an Idempotency-Key header."""

    def __init__(self, url: str, api_key: str, *, timeout: float = 5.0, policy: RetryPolicy = RetryPolicy(),
                 rng: random.Random | None = None, client: httpx.AsyncClient | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if not url or not api_key:
            raise GatewayConfigError("the SMS gateway needs a URL and an API key (ZC_SMS_URL, ZC_SMS_API_KEY)")
        self._url, self._api_key, self._policy = url, api_key, policy
        self._rng = rng or random.Random()
        self._sleep = sleep
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(timeout))

    @classmethod
    def from_env(cls, env: Mapping[str, str], **kwargs) -> "HttpSmsGateway":
        timeout = float(env.get("ZC_SMS_TIMEOUT_SECONDS", "5"))
        return cls(env.get("ZC_SMS_URL", ""), env.get("ZC_SMS_API_KEY", ""), timeout=timeout, **kwargs)

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()

    async def __aenter__(self) -> "HttpSmsGateway":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def send(self, to: str, text: str, dedup_key: str) -> GatewayResult:
        headers = {"Authorization": f"Bearer {self._api_key}", "Idempotency-Key": dedup_key}
        retry = 0
        while True:
            result, retry_after = await self._attempt(to, text, headers, retry + 1)
            if result.ok or result.permanent:
                return result
            wait = self._policy.delay(retry, self._rng, retry_after)
            if wait is None:
                return result
            await self._sleep(wait)
            retry += 1

    async def _attempt(self, to: str, text: str, headers: dict[str, str],
                       attempt: int) -> tuple[GatewayResult, float | None]:
        try:
            response = await self._client.post(self._url, json={"to": to, "text": text}, headers=headers)
        except httpx.TimeoutException:
            return GatewayResult(False, attempt, reason="provider timed out"), None
        except httpx.TransportError as exc:
            return GatewayResult(False, attempt, reason=f"provider unreachable: {type(exc).__name__}"), None
        status = response.status_code
        if 200 <= status < 300:
            return GatewayResult(True, attempt, _message_id(response), status), None
        reason = f"provider answered {status}: {response.text[:200]}"
        if status == 429 or status >= 500:
            return GatewayResult(False, attempt, status=status, reason=reason), parse_retry_after(
                response.headers.get("Retry-After"))
        # Other 4xx: the request itself is wrong (number, credentials); retrying cannot help.
        return GatewayResult(False, attempt, status=status, reason=reason, permanent=True), None


def _message_id(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("message_id", "")) if isinstance(body, dict) else ""
