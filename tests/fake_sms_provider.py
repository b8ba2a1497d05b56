"""A small fake SMS provider for tests: idempotency keys, and faults on demand.

POST /sms {to, text} + Idempotency-Key: delivers once per key; a repeated key gets the first
answer back and is not delivered again. POST /control programs faults for the next requests;
GET /messages lists deliveries; POST /reset forgets everything.

Run: python -m tests.fake_sms_provider --port 8099 [--api-key KEY]
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
from dataclasses import dataclass, field

from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel


class SmsIn(BaseModel):
    to: str
    text: str


class Control(BaseModel):
    fail_next: int = 0  # how many of the next requests fail with `status`
    status: int = 500
    delay_ms: int = 0  # how long each of the next `delay_next` answers is held back
    delay_next: int = 0
    retry_after: str | None = None  # sent as Retry-After on injected failures


@dataclass
class ProviderState:
    control: Control = field(default_factory=Control)
    first_answer: dict[str, dict] = field(default_factory=dict)  # idempotency key -> body
    deliveries: list[dict] = field(default_factory=list)
    requests: int = 0
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))


def create_app(api_key: str | None = None) -> FastAPI:
    app = FastAPI(title="fake SMS provider")
    state = ProviderState()
    app.state.provider = state

    @app.post("/sms")
    async def send(body: SmsIn, idempotency_key: str | None = Header(default=None),
                   authorization: str | None = Header(default=None)) -> JSONResponse:
        state.requests += 1
        if api_key and authorization != f"Bearer {api_key}":
            return JSONResponse({"error": "bad credentials"}, status_code=401)
        if state.control.fail_next > 0:
            state.control.fail_next -= 1
            headers = {"Retry-After": state.control.retry_after} if state.control.retry_after else {}
            return JSONResponse({"error": "injected"}, status_code=state.control.status, headers=headers)
        if not idempotency_key:
            return JSONResponse({"error": "Idempotency-Key header is required"}, status_code=400)
        answer = state.first_answer.get(idempotency_key)
        if answer is None:
            # Deliver before any injected delay: a slow answer still means the SMS went out,
            # which is exactly the case the client's retry and the key must cover.
            answer = {"message_id": f"fake-{next(state.ids)}", "status": "delivered"}
            state.first_answer[idempotency_key] = answer
            state.deliveries.append({"key": idempotency_key, "to": body.to, "text": body.text, **answer})
        if state.control.delay_next > 0:
            state.control.delay_next -= 1
            await asyncio.sleep(state.control.delay_ms / 1000)
        return JSONResponse(answer)

    @app.post("/control")
    async def control(c: Control) -> dict:
        state.control = c
        return c.model_dump()

    @app.post("/reset")
    async def reset() -> dict:
        state.control, state.first_answer, state.deliveries, state.requests = Control(), {}, [], 0
        return {"reset": True}

    @app.get("/messages")
    async def messages() -> dict:
        per_key: dict[str, int] = {}
        for d in state.deliveries:
            per_key[d["key"]] = per_key.get(d["key"], 0) + 1
        return {"messages": state.deliveries, "count_per_key": per_key, "requests": state.requests}

    return app


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--api-key", default=None)
    args = parser.parse_args(argv)
    uvicorn.run(create_app(args.api_key), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
