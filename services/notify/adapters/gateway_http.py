"""The SMS gateway port, and its adapter for a platform over HTTP.

The request is the platforms' shape (Alibaba Cloud's SendSms / QuerySendDetails; Tencent Cloud SMS
and a 12333 platform take the same facts): phone, sign name, template code, the template's
parameters as a JSON string, and the delivery's dedup key as the out-of-band id `OutId`. Never free
text: the platform holds the approved template; our copy of the text is for our records.
The platform's own request signing (an AccessKey's HMAC) belongs to a deployment's binding of
this adapter; here the key travels as a Bearer token.

The platform promises no idempotence, so this adapter never retries a request that may have
reached it. In-line retries (backoff with full jitter, Retry-After honoured) only follow an answer
that says nothing was sent (HTTP 5xx or 429, a connection that was never made); a read timeout or
an answer lost in transit returns `unanswered`, which the dispatcher settles by `query`
(services/notify/domain/provider.py).
"""
from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

import httpx

from services.notify.domain.provider import DeliveryState, GatewayResult, Listed, QueryResult, SmsRequest
from services.notify.domain.retry import RetryPolicy

# The platforms' codes that mean "not now": flow control per number, per template, per account.
FLOW_CONTROL = {"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL", "Throttling.User"}
FLOW_CONTROL_WAIT_S = 60.0  # per-number limits are per minute (then per hour, per day)
# Transport failures after which the request may have reached the platform (its answer was lost).
MAYBE_SENT = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
PAGE_SIZE = 50  # QuerySendDetails' largest page


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
    """`url` is the platform's base: `{url}/send` sends, `{url}/query` lists delivery status."""

    def __init__(self, url: str, api_key: str, *, timeout: float = 5.0, policy: RetryPolicy = RetryPolicy(),
                 rng: random.Random | None = None, client: httpx.AsyncClient | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if not url or not api_key:
            raise GatewayConfigError("the SMS gateway needs a URL and an API key (ZC_SMS_URL, ZC_SMS_API_KEY)")
        self._url, self._policy = url.rstrip("/"), policy
        self._headers = {"Authorization": f"Bearer {api_key}"}
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

    async def send(self, sms: SmsRequest) -> GatewayResult:
        body = {"PhoneNumbers": sms.phone, "SignName": sms.sign_name, "TemplateCode": sms.template_code,
                "TemplateParam": json.dumps(dict(sms.params), ensure_ascii=False), "OutId": sms.out_id}
        retry = 0
        while True:
            result = await self._attempt(body, retry + 1)
            if result.ok or result.permanent or result.unanswered or result.throttled:
                return result
            wait = self._policy.delay(retry, self._rng, result.retry_after)
            if wait is None:
                return result
            await self._sleep(wait)
            retry += 1

    async def _attempt(self, body: dict, attempt: int) -> GatewayResult:
        try:
            response = await self._client.post(f"{self._url}/send", json=body, headers=self._headers)
        except MAYBE_SENT as exc:
            return GatewayResult(False, attempt, reason=f"no answer from the platform ({type(exc).__name__})",
                                 unanswered=True)
        except httpx.TransportError as exc:  # never connected (refused, connect timeout, pool): nothing sent
            return GatewayResult(False, attempt, reason=f"provider unreachable: {type(exc).__name__}")
        status = response.status_code
        answer = _json(response)
        code = str(answer.get("Code", ""))
        if 200 <= status < 300 and code == "OK" and answer.get("BizId"):
            return GatewayResult(True, attempt, str(answer["BizId"]), status)
        if 200 <= status < 300 and not code:  # a 2xx we cannot read: the platform may have sent it
            return GatewayResult(False, attempt, status=status, reason="unreadable answer from the platform",
                                 unanswered=True)
        reason = f"provider answered {status} {code}: {str(answer.get('Message', response.text))[:200]}".strip()
        if code in FLOW_CONTROL:
            return GatewayResult(False, attempt, status=status, reason=reason, retry_after=FLOW_CONTROL_WAIT_S,
                                 throttled=True)
        if status == 429 or status >= 500 or code.startswith("isp."):  # the platform's own trouble: later
            return GatewayResult(False, attempt, status=status, reason=reason,
                                 retry_after=parse_retry_after(response.headers.get("Retry-After")))
        # A refusal of the request itself (number, template, parameters, credentials): retrying cannot help.
        return GatewayResult(False, attempt, status=status, reason=reason, permanent=True)

    async def query(self, phone: str, day: date) -> QueryResult:
        """Every message the platform lists for `phone` on `day` (its send date), all pages."""
        listed: list[Listed] = []
        page = 1
        while True:
            params = {"PhoneNumber": phone, "SendDate": day.strftime("%Y%m%d"), "PageSize": PAGE_SIZE,
                      "CurrentPage": page}
            try:
                response = await self._client.get(f"{self._url}/query", params=params, headers=self._headers)
            except httpx.TransportError as exc:
                return QueryResult(False, reason=f"status query failed: {type(exc).__name__}")
            answer = _json(response)
            if response.status_code != 200 or answer.get("Code") != "OK":
                return QueryResult(False, reason=f"status query answered {response.status_code} {answer.get('Code', '')}")
            rows = answer.get("SmsSendDetailDTOs") or []
            listed += [Listed(str(r.get("OutId", "")), str(r.get("BizId", "")),
                              DeliveryState.FAILED if r.get("SendStatus") == 2 else DeliveryState.SENT,
                              str(r.get("ErrCode", ""))) for r in rows if isinstance(r, dict)]
            if len(rows) < PAGE_SIZE or page * PAGE_SIZE >= int(answer.get("TotalCount", 0)):
                return QueryResult(True, tuple(listed))
            page += 1


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
