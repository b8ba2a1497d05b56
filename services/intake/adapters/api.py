"""Intake's HTTP routes: parse, authorise, call one use case, answer. 2xx only after commit."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from contracts.envelope import Actor, Role
from contracts.errors import Forbidden, NotFound
from plumbing import clock
from plumbing.auth import read_token
from plumbing.idempotency import request_fingerprint, run_once
from services.intake.adapters.requests import SubmitRequest, WithdrawRequest
from services.intake.domain import validation
from services.intake.usecases import filing
from services.intake.adapters.prepare import prepare

router = APIRouter(tags=["applications"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
Auth = Annotated[str | None, Header(alias="Authorization")]


def _applicant(request: Request, authorization: str | None, id_number: str | None = None) -> dict:
    claims = read_token(request.app.state.settings.jwt_secret, authorization)
    if claims["role"] is not Role.APPLICANT:
        raise Forbidden("只有申报人本人可以提交或修改申报", "only the applicant may file or change an application")
    if id_number is not None:
        expected = validation.person_ref(validation.compact_id(id_number), request.app.state.settings.person_ref_secret)
        if claims.get("person_ref") != expected:
            raise Forbidden("登录账号与申报人身份证号不一致", "the signed-in person is not the applicant named")
    return claims


def _actor(claims: dict) -> Actor:
    return Actor(role=claims["role"], organisation=claims.get("org", ""), user=claims.get("sub", ""))


async def _file(request: Request, body: SubmitRequest, key: str | None, claims: dict, use_case,
                application_id: uuid.UUID | None = None) -> JSONResponse:
    state = request.app.state
    now = clock.now()
    application, photo = prepare(body, state.plan, person_ref_secret=state.settings.person_ref_secret, now=now,
                                 application_id=application_id)
    fingerprint = request_fingerprint(use_case.__name__, str(application_id), body.model_dump(mode="json"))

    async def action(conn):
        return 201, await use_case(state.recorder, conn, application, photo, _actor(claims), now, plan=state.plan)

    status, answer = await run_once(state.runtime.pool, key, fingerprint, action)
    return JSONResponse(answer, status_code=status)


@router.post("/applications", status_code=201, summary="File an application (个人申报)")
async def submit(request: Request, body: SubmitRequest, authorization: Auth = None, key: IdemKey = None):
    claims = _applicant(request, authorization, body.applicant.id_number)
    return await _file(request, body, key, claims, filing.submit)


@router.post("/applications/{application_id}/resubmissions", status_code=201,
             summary="Resubmit after a return for revision (退回修改后重新提交)")
async def resubmit(request: Request, application_id: uuid.UUID, body: SubmitRequest, authorization: Auth = None,
                   key: IdemKey = None):
    claims = _applicant(request, authorization, body.applicant.id_number)
    return await _file(request, body, key, claims, filing.resubmit, application_id)


@router.post("/applications/{application_id}/withdrawal", summary="Withdraw the application (撤回)")
async def withdraw(request: Request, application_id: uuid.UUID, body: WithdrawRequest, authorization: Auth = None,
                   key: IdemKey = None):
    claims = _applicant(request, authorization)
    state = request.app.state
    await _owned(request, application_id, claims)

    async def action(conn):
        return 200, await filing.withdraw(state.recorder, conn, application_id, body.reason, _actor(claims),
                                          clock.now())

    status, answer = await run_once(state.runtime.pool, key, request_fingerprint("withdraw", str(application_id),
                                                                                 body.reason), action)
    return JSONResponse(answer, status_code=status)


async def _owned(request: Request, application_id: uuid.UUID, claims: dict) -> list:
    events = await filing.history(request.app.state.recorder, application_id)
    if not events:
        raise NotFound("未找到该申报", "no such application")
    if claims["role"] is not Role.AUDITOR and claims.get("person_ref") != filing.owner(events):
        raise Forbidden("只能查看本人的申报", "you may only see your own application")
    return [envelope for envelope, _payload in events]


@router.get("/applications/{application_id}", summary="The application's history as filed (applicant, auditor)")
async def history(request: Request, application_id: uuid.UUID, authorization: Auth = None) -> dict:
    claims = read_token(request.app.state.settings.jwt_secret, authorization)
    events = await _owned(request, application_id, claims)
    returned = await request.app.state.runtime.pool.fetchrow(
        "SELECT level, reason, sections::text AS sections FROM open_returns WHERE application_id = $1", application_id)
    return {"application_id": str(application_id), "events": [e.model_dump(mode="json") for e in events],
            "open_return": dict(returned) if returned else None}


@router.get("/archive", summary="My achievement archive as intake knows it (我的业绩档案: what may be cited)")
async def my_archive(request: Request, authorization: Auth = None) -> dict:
    claims = _applicant(request, authorization)
    rows = await request.app.state.runtime.pool.fetch(
        "SELECT entry_id, unit_id, title, achieved_on, status FROM archive_entries WHERE person_ref = $1"
        " ORDER BY achieved_on", claims.get("person_ref", ""))
    return {"entries": [{**dict(r), "achieved_on": r["achieved_on"].isoformat()} for r in rows]}


@router.get("/units/{unit_id}", summary="Whether a unit may receive filings (its 授权委托证明 approved)")
async def unit_status(request: Request, unit_id: str) -> dict:
    """Public: an applicant checks that their employer is registered before filing (附件1 一.2)."""
    async with request.app.state.runtime.pool.acquire() as conn:
        return {"unit_id": unit_id, "authorised": await filing.unit_authorised(conn, unit_id)}
