"""HTTP commands on review cases: one route per decision, plus batch pass/return.

The URL names the decision; the body carries its text (opinion, reason, sections...). The level is
never in the request: it follows from where the case is.

This module does not use `from __future__ import annotations`: the decision routes are built in a
loop and FastAPI must see each body model as a real type.
"""
import uuid
from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from contracts.envelope import Role
from contracts.errors import Forbidden, InvalidInput, NotFound, PreconditionFailed, Refused
from plumbing import clock
from plumbing.core.application import receipt
from plumbing.core.idempotency import request_fingerprint, run_in, scoped
from plumbing.edges import pages
from plumbing.edges.inputs import STRICT, FreeForm
from plumbing.logging import get_logger
from plumbing.edges.json_body import StrictJsonRoute
from plumbing.edges.openapi import ETAG_HEADERS as ETAG, PAGE_HEADERS, contract
from services.review.adapters import answers
from services.review.adapters.decision_bodies import BODIES, COMMANDS
from services.review.adapters.principal import guarded, principal_of, principal_of_caller
from plumbing.core.reads import record_read
from services.review.adapters.staff import names as staff_names
from services.review.domain import commands as c
from services.review.domain.authorization import PERMISSIONS, authorize
from services.review.usecases.cases import case_stream, load_case, plan_of, require_case, take_decision
from services.review.adapters.views import case_json, decisions_seen_by_anyone

log = get_logger(__name__)
UNNAMED = {Role.SYSTEM, Role.APPLICANT}  # applicants and services are never in the staff directory
router = APIRouter(tags=["review"], route_class=StrictJsonRoute)
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=40,
                                       description='the case\'s ETag as read (e.g. "3"): decide only on that version')]

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


def expected_version(if_match: str | None) -> int | None:
    """The version an If-Match names (`"3"`, `W/"3"`), None for none or `*`; 412 for one that cannot be
    a case's version (it can never match)."""
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit() or len(tag) > 9:
        raise PreconditionFailed("If-Match 不是本系统给出的版本标记", f"If-Match {if_match!r} names no version of a case",
                                 details={"if_match": if_match})
    return int(tag)


async def _decide(request: Request, name: str, application_id: uuid.UUID, body, uow,
                  expected: int | None = None):
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
                uow, state.plans, application_id, action,
                lambda: build_command(name, application_id, body, principal.actor()),
                principal=principal, now=clock.now(), expected_version=expected)
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
                      key: str | None, if_match: str | None = None) -> JSONResponse:
    """With an Idempotency-Key, a retry gets the first answer and records nothing twice. With
    If-Match, only the version named is decided on (412 otherwise). The answer's ETag is the case's
    version after the decision."""
    expected = expected_version(if_match)

    async def action(uow):
        events, case = await _decide(request, decision, application_id, body, uow, expected)
        return 200, {"events": events, "case": case_json(case, plan_of(case, request.app.state.plans))}

    fingerprint = request_fingerprint("review.decide", decision, str(application_id),
                                      body.model_dump(mode="json") if body else {})
    status, answer = await run_in(request.app.state.runtime.unit_of_work(), scoped(key, principal_of_caller(request)),
                                    fingerprint, action)
    return JSONResponse(answer, status_code=status, headers={"ETag": f'"{answer["case"]["version"]}"'})


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
                     key: IdemKey = None, if_match: IfMatch = None) -> JSONResponse:
        return await _decide_one(request, decision, application_id, body, key, if_match)

    return decide


for _name in COMMANDS:
    _admits = guarded(COMMANDS[_name].action)
    router.add_api_route(f"/cases/{{application_id}}/{_name}", _route_for(_name), methods=["POST"],
                         dependencies=[*_admits["dependencies"], _scope_first(_name)],
                         openapi_extra=_admits["openapi_extra"], name=f"decide_{_name.replace('-', '_')}",
                         summary=f"Decision: {_name}",
                         **contract("decide" + "".join(p.capitalize() for p in _name.split("-")), answers.Decided,
                                    fails=(404, 409, 412), headers=ETAG))


class BatchItem(BaseModel):
    model_config = STRICT

    application_id: uuid.UUID
    fields: dict[str, FreeForm] = Field(default_factory=dict, description="the decision's body (see its route)",
                                   max_length=20)
    expected_version: int | None = Field(None, ge=0, le=10**9, description="the case's version as read (its ETag):"
                                         " the item is refused with 412 if the case has moved on")


class BatchRequest(BaseModel):
    model_config = STRICT

    decision: Literal[tuple(COMMANDS)]  # type: ignore[valid-type]
    items: list[BatchItem] = Field(min_length=1, max_length=500)


@router.post("/cases/batch", summary="The same decision on many cases; each succeeds or fails on its own",
             **guarded("decide_batch"), **contract("decideBatch", answers.BatchDecided, fails=(409,)))
async def decide_batch(request: Request, batch: BatchRequest, key: IdemKey = None) -> JSONResponse:
    """One transaction, each item on its own (a refused item writes nothing, the others stand).
    With an Idempotency-Key, a retried batch gets the first answer and records nothing twice."""
    principal = principal_of(request)

    async def action(uow):
        results = []
        for item in batch.items:
            try:
                events, _case = await _decide(request, batch.decision, item.application_id, item.fields, uow,
                                              item.expected_version)
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
            **guarded("read"), **contract("readCase", answers.CaseSummary, fails=(404, 409), headers=ETAG))
async def read_case(request: Request, response: Response, application_id: uuid.UUID) -> dict:
    """What every reader of the case may see, the applicant included: no reviewer's name, no text
    of a third party's objection (those are `read_history`'s, below)."""
    recorder = request.app.state.recorder
    case, _ = await require_case(recorder, application_id)
    authorize_visible(principal_of(request), "read", case)
    history = await recorder.store.load_stream(case_stream(application_id))
    response.headers["ETag"] = f'"{case.version}"'  # what If-Match names to decide on this version
    return {"case": case_json(case, plan_of(case, request.app.state.plans), objection_texts=False),
            "decisions": decisions_seen_by_anyone(history)}


@router.get("/cases/{application_id}/history", summary="A case's history as stored: who decided, every text",
            **guarded("read_history"),
            **contract("readCaseHistory", answers.CaseRecord, fails=(404, 409), headers={**ETAG, **PAGE_HEADERS}))
async def read_case_history(request: Request, response: Response, application_id: uuid.UUID,
                            limit: pages.Limit = pages.DEFAULT_LIMIT, cursor: pages.Cursor = None) -> dict:
    recorder = request.app.state.recorder
    case, _ = await require_case(recorder, application_id)
    authorize_visible(principal_of(request), "read_history", case)
    history = await recorder.store.load_stream(case_stream(application_id))  # as stored, for the record
    response.headers["ETag"] = f'"{case.version}"'  # what If-Match names to decide on this version
    shown, next_cursor = pages.after(history, cursor, limit, lambda e: e.stream_version)
    pages.link(request, response, next_cursor)
    async with request.app.state.runtime.pool.acquire() as conn:  # who acted, by name (staff directory)
        named = await staff_names(conn, {e.actor.user for e in shown if e.actor.role not in UNNAMED})
    await record_read(request, "case page", str(application_id), [case.applicant_ref])
    return {"case": case_json(case, plan_of(case, request.app.state.plans)),
            "history": [{**e.model_dump(mode="json"), "actor_name": named.get(e.actor.user, "")} for e in shown],
            "next_cursor": next_cursor}
