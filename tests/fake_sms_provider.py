"""A fake SMS platform for tests, shaped like the real ones (Alibaba Cloud's SendSms and
QuerySendDetails, Tencent Cloud SMS, a 12333 platform), faults on demand.

Like them it sends pre-approved templates with parameters, answers a message id (`BizId`), takes an
out-of-band id (`OutId`) it only echoes, and **promises no idempotence**: the same request twice is
two messages. What was sent is listed by phone number and date (`QuerySendDetails`), with its
OutId, message id and status, but only some time after it was accepted (`listing_delay_s`).
Per phone number it accepts a few messages a minute; beyond that it answers the platforms' flow
control code (`isv.BUSINESS_LIMIT_CONTROL`) and sends nothing.

POST /sms/send   {PhoneNumbers, SignName, TemplateCode, TemplateParam (a JSON string), OutId}
                 -> {Code: "OK", BizId, RequestId} | {Code: "isv....", Message}
GET  /sms/query  ?PhoneNumber=&SendDate=yyyyMMdd&PageSize=&CurrentPage=
                 -> {Code: "OK", TotalCount, SmsSendDetailDTOs: [{OutId, BizId, SendStatus 1|2|3, ...}]}
POST /control    faults for the next requests (see `Control`); GET /messages what was sent;
POST /reset      forgets everything.

Run: python -m tests.fake_sms_provider --port 8099 [--api-key KEY]
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

ZONE = ZoneInfo("Asia/Shanghai")  # the platforms' send dates are China's
WAITING_RECEIPT, FAILED, DELIVERED = 1, 2, 3  # QuerySendDetails' SendStatus


class SendIn(BaseModel):
    PhoneNumbers: str
    SignName: str
    TemplateCode: str
    TemplateParam: str = "{}"
    OutId: str = ""


class Control(BaseModel):
    fail_next: int = 0  # the next requests are refused with HTTP `status` before anything is sent
    status: int = 500
    retry_after: str | None = None  # sent as Retry-After on those refusals
    delay_ms: int = 0  # accepted and sent, then the answer held back this long (past the client's timeout)
    delay_next: int = 0
    lose_answer_next: int = 0  # accepted and sent, then the connection closed without an answer
    undeliverable_next: int = 0  # accepted (a BizId), then the carrier fails it: listed with SendStatus 2
    listing_delay_s: float = 0.0  # a message shows in QuerySendDetails only this long after it was accepted
    query_fail_next: int = 0  # the next status queries answer HTTP 500
    per_phone_per_minute: int = 10  # flow control per number (the platforms' default is lower)


@dataclass
class ProviderState:
    control: Control = field(default_factory=Control)
    deliveries: list[dict] = field(default_factory=list)
    requests: int = 0
    queries: int = 0
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))


def _refuse(code: str, message: str, status: int = 200) -> JSONResponse:
    # Like the platforms: a business refusal is a normal answer with a code, not an HTTP error.
    return JSONResponse({"Code": code, "Message": message, "RequestId": str(uuid.uuid4())}, status_code=status)


async def _drop_connection(request: Request) -> None:
    """Close the TCP connection without answering: the client sees the answer lost (uvicorn's
    protocol object is the receive callable's owner). The answer written after it goes nowhere
    (uvicorn drops writes to a disconnected cycle), and no task is left waiting at shutdown."""
    transport = getattr(getattr(request.receive, "__self__", None), "transport", None)
    if transport is None:
        raise RuntimeError("cannot reach the connection to drop it")
    transport.abort()
    await asyncio.sleep(0)


def create_app(api_key: str | None = None, per_phone_per_minute: int = 10) -> FastAPI:
    app = FastAPI(title="fake SMS provider")
    state = ProviderState(control=Control(per_phone_per_minute=per_phone_per_minute))
    app.state.provider = state

    def authorised(authorization: str | None) -> bool:
        return not api_key or authorization == f"Bearer {api_key}"

    @app.post("/sms/send")
    async def send(body: SendIn, request: Request, authorization: str | None = Header(default=None)) -> JSONResponse:
        state.requests += 1
        c = state.control
        if not authorised(authorization):
            return _refuse("InvalidAccessKeyId.NotFound", "bad credentials", 401)
        if c.fail_next > 0:
            c.fail_next -= 1
            headers = {"Retry-After": c.retry_after} if c.retry_after else {}
            return JSONResponse({"Code": "isp.SYSTEM_ERROR", "Message": "injected"}, status_code=c.status,
                                headers=headers)
        if not body.PhoneNumbers.startswith("+86") or not body.PhoneNumbers[3:].isdigit():
            return _refuse("isv.MOBILE_NUMBER_ILLEGAL", "invalid mobile number")
        try:
            params = json.loads(body.TemplateParam)
        except ValueError:
            return _refuse("isv.INVALID_JSON_PARAM", "TemplateParam is not JSON")
        now = time.time()
        recent = [d for d in state.deliveries if d["phone"] == body.PhoneNumbers and now - d["accepted_at"] < 60]
        if len(recent) >= c.per_phone_per_minute:
            return _refuse("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1")
        biz_id = f"{next(state.ids):06d}^{uuid.uuid4().hex[:10]}"
        undeliverable = c.undeliverable_next > 0
        c.undeliverable_next -= 1 if undeliverable else 0
        state.deliveries.append({
            "key": body.OutId, "phone": body.PhoneNumbers, "to": body.PhoneNumbers, "sign": body.SignName, "template": body.TemplateCode,
            "params": params, "biz_id": biz_id, "accepted_at": now,
            "status": FAILED if undeliverable else DELIVERED, "err_code": "MOBILE_NOT_ON_SERVICE" if undeliverable else "DELIVERED"})
        # Sent before any injected fault: a slow or lost answer still means the SMS went out, which is
        # exactly what the client must find out by asking, not by sending again.
        if c.lose_answer_next > 0:
            c.lose_answer_next -= 1
            await _drop_connection(request)
        if c.delay_next > 0:
            c.delay_next -= 1
            await asyncio.sleep(c.delay_ms / 1000)
        return JSONResponse({"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": str(uuid.uuid4())})

    @app.get("/sms/query")
    async def query(PhoneNumber: str, SendDate: str, PageSize: int = 10, CurrentPage: int = 1,  # noqa: N803
                    authorization: str | None = Header(default=None)) -> JSONResponse:
        state.queries += 1
        c = state.control
        if not authorised(authorization):
            return _refuse("InvalidAccessKeyId.NotFound", "bad credentials", 401)
        if c.query_fail_next > 0:
            c.query_fail_next -= 1
            return JSONResponse({"Code": "isp.SYSTEM_ERROR", "Message": "injected"}, status_code=500)
        if not 1 <= PageSize <= 50 or CurrentPage < 1:
            return _refuse("isv.INVALID_PARAMETERS", "PageSize 1..50, CurrentPage from 1", 400)
        now = time.time()
        listed = [d for d in state.deliveries if d["phone"] == PhoneNumber
                  and datetime.fromtimestamp(d["accepted_at"], ZONE).strftime("%Y%m%d") == SendDate
                  and now - d["accepted_at"] >= c.listing_delay_s]
        page = listed[(CurrentPage - 1) * PageSize:CurrentPage * PageSize]
        return JSONResponse({"Code": "OK", "Message": "OK", "TotalCount": len(listed), "SmsSendDetailDTOs": [
            {"PhoneNum": d["phone"], "OutId": d["key"], "BizId": d["biz_id"], "SendStatus": d["status"],
             "ErrCode": d["err_code"], "TemplateCode": d["template"],
             "SendDate": datetime.fromtimestamp(d["accepted_at"], ZONE).strftime("%Y-%m-%d %H:%M:%S")}
            for d in page]})

    @app.post("/control")
    async def control(c: Control) -> dict:
        state.control = c
        return c.model_dump()

    @app.post("/reset")
    async def reset() -> dict:
        state.control, state.deliveries, state.requests, state.queries = \
            Control(per_phone_per_minute=per_phone_per_minute), [], 0, 0
        return {"reset": True}

    @app.get("/messages")
    async def messages() -> dict:
        per_key: dict[str, int] = {}
        for d in state.deliveries:
            per_key[d["key"]] = per_key.get(d["key"], 0) + 1
        return {"messages": state.deliveries, "count_per_key": per_key, "requests": state.requests,
                "queries": state.queries}

    return app


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--per-phone-per-minute", type=int, default=10)
    args = parser.parse_args(argv)
    uvicorn.run(create_app(args.api_key, args.per_phone_per_minute), host=args.host, port=args.port,
                log_level="warning")


if __name__ == "__main__":
    main()
