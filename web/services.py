"""The four services' public HTTP APIs, called with the signed-in person's role token. The web adds
no check of its own in place of theirs: a refusal comes back as ApiRefused with the API's body."""
from __future__ import annotations

import uuid

import httpx


class ApiRefused(Exception):
    def __init__(self, status: int, body: dict) -> None:
        super().__init__(body.get("message_en", ""))
        self.status, self.body = status, body


def _body(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict) or "message_zh" not in body:
        body = {"code": f"HTTP_{response.status_code}", "message_zh": "服务暂时无法完成请求",
                "message_en": f"the service answered {response.status_code}"}
    return body


class Services:
    def __init__(self, http: httpx.AsyncClient, urls: dict[str, str], token: str) -> None:
        self.http, self.urls, self.auth = http, urls, {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, service: str, path: str, *, ok_missing: bool = False, **kwargs) -> httpx.Response:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        try:
            response = await self.http.request(method, self.urls[service] + path, headers=headers, **kwargs)
        except httpx.HTTPError:
            raise ApiRefused(503, {"code": "SERVICE_UNAVAILABLE", "message_zh": "服务暂不可用，请稍后再试",
                                   "message_en": f"{service} did not answer"}) from None
        if ok_missing and response.status_code == 404:
            return response
        if response.status_code >= 400:
            raise ApiRefused(response.status_code, _body(response))
        return response

    async def get(self, service: str, path: str, **kwargs) -> dict | None:
        response = await self.call("GET", service, path, **kwargs)
        return None if response.status_code == 404 else response.json()

    async def post(self, service: str, path: str, body: dict | None = None, *, key: str | None = None) -> dict:
        headers = {"Idempotency-Key": key or str(uuid.uuid4())}
        return (await self.call("POST", service, path, json=body or {}, headers=headers)).json()
