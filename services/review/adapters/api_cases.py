"""HTTP commands on review cases: one route per decision, plus batch pass/return.

The URL names the decision; the body carries its text (opinion, reason, sections...). The level is
never in the request: it follows from where the case is.

This module does not use `from __future__ import annotations`: the decision routes are built in a
loop and FastAPI must see each body model as a real type.
"""
import uuid
from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from contracts.envelope import Role
from contracts.errors import Forbidden, InvalidInput, NotFound, Refused
from plumbing import clock
from plumbing.core.application import receipt
from plumbing.core.idempotency import request_fingerprint, run_in, scoped
from plumbing.edges.inputs import STRICT, FreeForm
from plumbing.logging import get_logger
from plumbing.edges.json_body import StrictJsonRoute
from services.review.adapters.decision_bodies import BODIES, COMMANDS
from services.review.adapters.principal import guarded, principal_of, principal_of_caller
from plumbing.core.reads import record_read
from services.review.adapters.staff import names as staff_names
from services.review.domain import commands as c
from services.review.domain.authorization import PERMISSIONS, authorize
from services.review.usecases.cases import case_stream, load_case, require_case, take_decision
from services.review.adapters.views import case_json, decisions_seen_by_anyone

log = get_logger(__name__)
UNNAMED = {Role.SYSTEM, Role.APPLICANT}  # applicants and services are never in the staff directory
router = APIRouter(tags=["review"], route_class=StrictJsonRoute)
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]

CASE_NOT_FOUND = ("未找到该申报的审核记录", "no review case for this application")


def build_command(name: str, application_id: uuid.UUID, body: dict[str, Any] | BaseModel | None, actor) -> c.Command:
    cls = COMMANDS.get(name)
    if cls is None:
        raise InvalidInput(f"未知的审核操作：{name}", f"unknown decision {name!r}", code="UNKNOWN_DECISION", status=404)
    try:
        fields = body if isinstance(body, BaseModel) else BODIES[name].model_validate(body or {})
        return TypeAdapter(cls).validate_python({**fields.model_dump(), "actor": actor, "application_id": application_id})
    except ValidationError as exc:
        details = [{"field": ".".join(map(str, e["loc"])), "code": e["type"], "message_en": e["msg"]}
                   for e in exc.errors()]
        raise InvalidInput("审核意见格式不正确", "the decision's fields are malformed", details=details) from None


def authorize_visible(principal, action: str, target) -> None:
    """`authorize`, except that a case outside the caller's scope answers exactly like a case that
    does not exist (404), for reads and writes alike: nobody learns what they may not see."""
    try:
        authorize(principal, action, target)
    except Forbidden as refused:
        if refused.code == "OUT_OF_SCOPE":
            raise NotFound(*CASE_NOT_FOUND) from None
        raise


async def _decide(request: Request, name: str, application_id: uuid.UUID, body, uow):
    """Who may act is checked before what they sent: a role that may never take the decision gets
    403, a case outside the caller's scope answers like a missing one (404), and only then is the
    body read. Every refusal is logged with the case. Returns the saved events' receipt and the
    case after them."""
    state = request.app.state
    principal = principal_of(request)
    try:
        if name not in COMMANDS:
            build_command(name, application_id, body, principal.actor())  # refuses: unknown decision
        action = COMMANDS[name].action
        if principal.role not in PERMISSIONS[action]:
            authorize(principal, action, None)  # the role first: 403 whether or not the case exists
        try:
            stored, case = await take_decision(
                uow, state.plan, application_id, action,
                lambda: build_command(name, application_id, body, principal.actor()),
                principal=principal, now=clock.now())
        except Forbidden as refused:
            if refused.code == "OUT_OF_SCOPE":
                raise NotFound(*CASE_NOT_FOUND) from None
            raise
        return receipt(stored), case
    except Refused as refused:
        log.info("review.refused", decision=name, code=refused.code, status=refused.status,
                 application_id=str(application_id), role=principal.role.value, org=principal.org)
        raise


async def _decide_one(request: Request, decision: str, application_id: uuid.UUID, body: BaseModel | None,
                      key: str | None) -> JSONResponse:
    """With an Idempotency-Key, a retry gets the first answer and records nothing twice."""

    async def action(uow):
        events, case = await _decide(request, decision, application_id, body, uow)
        return 200, {"events": events, "case": case_json(case, request.app.state.plan)}

    fingerprint = request_fingerprint("review.decide", decision, str(application_id),
                                      body.model_dump(mode="json") if body else {})
    status, answer = await run_in(request.app.state.runtime.unit_of_work(), scoped(key, principal_of_caller(request)),
                                    fingerprint, action)
    return JSONResponse(answer, status_code=status)


def _scope_first(decision: str):
    """Runs before FastAPI validates the body: whose case it is is answered before what was sent."""
    async def case_in_scope(request: Request, application_id: uuid.UUID) -> None:
        try:
            await _decide_checks(request, decision, application_id)
        except Refused as refused:
            log.info("review.refused", decision=decision, code=refused.code, status=refused.status,
                     application_id=str(application_id), role=request.state.caller.role.value)
            raise
    return Depends(case_in_scope)


async def _decide_checks(request: Request, name: str, application_id: uuid.UUID):
    principal = principal_of(request)
    action = COMMANDS[name].action
    if principal.role not in PERMISSIONS[action]:
        authorize(principal, action, None)  # the role first: 403 whether or not the case exists
    loaded = await load_case(request.app.state.recorder, application_id)
    if loaded[0] is None:
        raise NotFound(*CASE_NOT_FOUND)
    authorize_visible(principal, action, loaded[0])
    return loaded


def _route_for(decision: str):
    model = BODIES[decision]

    async def decide(request: Request, application_id: uuid.UUID, body: Optional[model] = None,  # noqa: UP045
                     key: IdemKey = None) -> JSONResponse:
        return await _decide_one(request, decision, application_id, body, key)

    return decide


for _name in COMMANDS:
    _admits = guarded(COMMANDS[_name].action)
    router.add_api_route(f"/cases/{{application_id}}/{_name}", _route_for(_name), methods=["POST"],
                         dependencies=[*_admits["dependencies"], _scope_first(_name)],
                         openapi_extra=_admits["openapi_extra"], name=f"decide_{_name.replace('-', '_')}",
                         summary=f"Decision: {_name}")


class BatchItem(BaseModel):
    model_config = STRICT

    application_id: uuid.UUID
    fields: dict[str, FreeForm] = Field(default_factory=dict, description="the decision's body (see its route)",
                                   max_length=20)


class BatchRequest(BaseModel):
    model_config = STRICT

    decision: Literal[tuple(COMMANDS)]  # type: ignore[valid-type]
    items: list[BatchItem] = Field(min_length=1, max_length=500)


@router.post("/cases/batch", summary="The same decision on many cases; each succeeds or fails on its own",
             **guarded("decide_batch"))
async def decide_batch(request: Request, batch: BatchRequest, key: IdemKey = None) -> JSONResponse:
    """One transaction, each item on its own (a refused item writes nothing, the others stand).
    With an Idempotency-Key, a retried batch gets the first answer and records nothing twice."""
    principal = principal_of(request)

    async def action(uow):
        results = []
        for item in batch.items:
            try:
                events, _case = await _decide(request, batch.decision, item.application_id, item.fields, uow)
                results.append({"application_id": str(item.application_id), "ok": True, "events": events})
            except Refused as refused:
                results.append({"application_id": str(item.application_id), "ok": False, "status": refused.status,
                                **refused.as_body()})
        return 200, {"succeeded": sum(r["ok"] for r in results), "failed": sum(not r["ok"] for r in results),
                     "results": results}

    fingerprint = request_fingerprint("review.batch", batch.model_dump(mode="json"))
    status, answer = await run_in(request.app.state.runtime.unit_of_work(), scoped(key, principal_of_caller(request)),
                                    fingerprint, action)
    return JSONResponse(answer, status_code=status)


@router.get("/cases/{application_id}", summary="A case: its stage, the decisions, their reasons and what to fix",
            **guarded("read"))
async def read_case(request: Request, application_id: uuid.UUID) -> dict:
    """What every reader of the case may see, the applicant included: no reviewer's name, no text
    of a third party's objection (those are `read_history`'s, below)."""
    recorder = request.app.state.recorder
    case, _ = await require_case(recorder, application_id)
    authorize_visible(principal_of(request), "read", case)
    history = await recorder.store.load_stream(case_stream(application_id))
    return {"case": case_json(case, request.app.state.plan, objection_texts=False),
            "decisions": decisions_seen_by_anyone(history)}


@router.get("/cases/{application_id}/history", summary="A case's history as stored: who decided, every text",
            **guarded("read_history"))
async def read_case_history(request: Request, application_id: uuid.UUID) -> dict:
    recorder = request.app.state.recorder
    case, _ = await require_case(recorder, application_id)
    authorize_visible(principal_of(request), "read_history", case)
    history = await recorder.store.load_stream(case_stream(application_id))  # as stored, for the record
    async with request.app.state.runtime.pool.acquire() as conn:  # who acted, by name (staff directory)
        named = await staff_names(conn, {e.actor.user for e in history if e.actor.role not in UNNAMED})
    await record_read(request, "case page", str(application_id), [case.applicant_ref])
    return {"case": case_json(case, request.app.state.plan),
            "history": [{**e.model_dump(mode="json"), "actor_name": named.get(e.actor.user, "")} for e in history]}
