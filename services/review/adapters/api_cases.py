"""HTTP commands on review cases: one route per decision, plus batch pass/return.

The URL names the decision; the body carries its text (opinion, reason, sections...). The level is
never in the request: it follows from where the case is.
"""
from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from contracts.errors import InvalidInput, Refused
from plumbing import clock
from plumbing.application import receipt
from plumbing.idempotency import request_fingerprint, run_once
from plumbing.logging import get_logger
from services.review.adapters.principal import principal_of
from services.review.domain import commands as c
from services.review.domain.authorization import authorize
from services.review.usecases.cases import case_stream, require_case, take_decision
from services.review.views import case_json

log = get_logger(__name__)
router = APIRouter(tags=["review"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]

COMMANDS: dict[str, type[c.Command]] = {
    "unit-pass": c.UnitPass, "unit-not-pass": c.UnitNotPass, "return": c.ReturnForRevision,
    "public-notice-start": c.StartPublicNotice, "objection": c.RecordObjection,
    "objection-resolve": c.ResolveObjection,
    "public-notice-complete": c.CompletePublicNotice, "fee-option": c.SetFeeOption,
    "department-pass": c.DepartmentPass, "department-not-pass": c.DepartmentNotPass,
    "interview-schedule": c.ScheduleInterview, "interview-result": c.RecordInterviewResult,
    "recommend": c.RecommendToCity, "forward": c.ForwardToCommittee, "fee-request": c.RequestFee,
    "fee-payment": c.RecordFeePayment,
}


def build_command(name: str, application_id: uuid.UUID, body: dict[str, Any], actor) -> c.Command:
    cls = COMMANDS.get(name)
    if cls is None:
        raise InvalidInput(f"未知的审核操作：{name}", f"unknown decision {name!r}", code="UNKNOWN_DECISION", status=404)
    if not isinstance(body, dict) or {"actor", "application_id"} & body.keys():
        raise InvalidInput("请求体必须是对象，且不能指定操作人或申报编号", "body must be an object without actor/application_id")
    try:
        return TypeAdapter(cls).validate_python({**body, "actor": actor, "application_id": application_id})
    except ValidationError as exc:
        details = [{"field": ".".join(map(str, e["loc"])), "code": e["type"], "message_en": e["msg"]}
                   for e in exc.errors()]
        raise InvalidInput("审核意见格式不正确", "the decision's fields are malformed", details=details) from None


async def _decide(request: Request, name: str, application_id: uuid.UUID, body: dict, conn=None):
    """Who may act is checked before what they sent: a role outside the case's scope learns
    nothing about the body's shape (403, not 422). Every refusal is logged with the case.
    Returns the saved events' receipt and the case after them."""
    state = request.app.state
    principal = principal_of(request)
    try:
        if name not in COMMANDS:
            build_command(name, application_id, body, principal.actor())  # refuses: unknown decision
        stored, case = await take_decision(
            state.recorder, state.plan, application_id, COMMANDS[name].action,
            lambda: build_command(name, application_id, body, principal.actor()),
            principal=principal, now=clock.now(), conn=conn)
        return receipt(stored), case
    except Refused as refused:
        log.info("review.refused", decision=name, code=refused.code, status=refused.status,
                 application_id=str(application_id), role=principal.role.value, org=principal.org)
        raise


@router.post("/cases/{application_id}/{decision}", summary="Take a decision on a case (pass / not pass / return ...)")
async def decide_one(request: Request, application_id: uuid.UUID, decision: str, body: dict[str, Any] | None = None,
                     key: IdemKey = None) -> JSONResponse:
    """With an Idempotency-Key, a retry gets the first answer and records nothing twice."""
    principal = principal_of(request)

    async def action(conn):
        events, case = await _decide(request, decision, application_id, body or {}, conn)
        return 200, {"events": events, "case": case_json(case)}

    fingerprint = request_fingerprint("review.decide", decision, str(application_id), body or {},
                                      principal.role.value, principal.org, principal.user)
    status, answer = await run_once(request.app.state.runtime.pool, key, fingerprint, action)
    return JSONResponse(answer, status_code=status)


class BatchItem(BaseModel):
    application_id: uuid.UUID
    fields: dict[str, Any] = Field(default_factory=dict)


class BatchRequest(BaseModel):
    decision: str
    items: list[BatchItem] = Field(min_length=1, max_length=500)


@router.post("/cases/batch", summary="The same decision on many cases; each succeeds or fails on its own")
async def decide_batch(request: Request, batch: BatchRequest, key: IdemKey = None) -> JSONResponse:
    """One transaction, each item on its own (a refused item writes nothing, the others stand).
    With an Idempotency-Key, a retried batch gets the first answer and records nothing twice."""
    principal = principal_of(request)

    async def action(conn):
        results = []
        for item in batch.items:
            try:
                events, _case = await _decide(request, batch.decision, item.application_id, item.fields, conn)
                results.append({"application_id": str(item.application_id), "ok": True, "events": events})
            except Refused as refused:
                results.append({"application_id": str(item.application_id), "ok": False, "status": refused.status,
                                **refused.as_body()})
        return 200, {"succeeded": sum(r["ok"] for r in results), "failed": sum(not r["ok"] for r in results),
                     "results": results}

    fingerprint = request_fingerprint("review.batch", batch.model_dump(mode="json"), principal.role.value,
                                      principal.org, principal.user)
    status, answer = await run_once(request.app.state.runtime.pool, key, fingerprint, action)
    return JSONResponse(answer, status_code=status)


@router.get("/cases/{application_id}", summary="A case: stage, history of decisions (by role and scope)")
async def read_case(request: Request, application_id: uuid.UUID) -> dict:
    recorder = request.app.state.recorder
    case, _ = await require_case(recorder, application_id)
    authorize(principal_of(request), "read", case)
    history = await recorder.store.load_stream(case_stream(application_id))  # as stored, for the record
    return {"case": case_json(case, request.app.state.plan), "history": [e.model_dump(mode="json") for e in history]}
