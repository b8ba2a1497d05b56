"""Intake's HTTP routes: parse, authorise, call one use case, answer. 2xx only after commit."""
from __future__ import annotations

import uuid
from typing import Annotated

from plumbing.core.reads import record_read
from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.responses import JSONResponse

from contracts.envelope import Actor, Role
from contracts.errors import Conflict, Forbidden, InvalidInput, NotFound
from plumbing import clock
from plumbing.core.idempotency import request_fingerprint, run_in, scoped
from plumbing.edges import pages
from plumbing.edges.inputs import Code
from plumbing.edges.security import Caller, caller
from plumbing.edges.openapi import ETAG_HEADERS as ETAG, PAGE_HEADERS as PAGE, contract
from services.intake.adapters import answers
from plumbing.edges.json_body import StrictJsonRoute
from services.intake.adapters.requests import SubmitRequest, WithdrawRequest
from services.intake.domain import validation
from services.intake.usecases import filing
from services.intake.adapters.prepare import filer_of, prepare
from services.intake.adapters import documents

router = APIRouter(tags=["applications"], route_class=StrictJsonRoute)
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
ApplicantCaller = Annotated[Caller, caller(Role.APPLICANT)]
NOT_FOUND = ("未找到该申报", "no such application")


def _named_applicant(request: Request, who: Caller, id_number: str) -> None:
    expected = validation.person_ref(validation.compact_id(id_number), request.app.state.settings.person_ref_secret)
    if who.person_ref != expected:
        raise Forbidden("登录账号与申报人身份证号不一致", "the signed-in person is not the applicant named")


def _actor(who: Caller) -> Actor:
    return Actor(role=who.role, organisation=who.org, user=who.uid)


async def _file(request: Request, body: SubmitRequest, key: str | None, who: Caller, use_case,
                application_id: uuid.UUID | None = None) -> JSONResponse:
    state = request.app.state
    now = clock.now()
    uploaded = await _uploads_cited(request, body, who)
    application, photo = prepare(body, state.plan, person_ref_secret=state.settings.person_ref_secret, now=now,
                                 application_id=application_id, uploaded_photo=uploaded)
    fingerprint = request_fingerprint(use_case.__name__, str(application_id), body.model_dump(mode="json"))

    async def action(uow):
        # In the unit of work, on the connection this request holds: asking the pool for a second one
        # while holding it deadlocked intake under load (every holder waiting for another).
        if application_id is None and await filing.history(uow, application.application_id):
            # Taken, by this applicant or another: the same answer either way (no existence leak).
            raise Conflict("该申报编号已被使用，请使用新的编号", "this application_id is taken; use a new one",
                           code="APPLICATION_ID_TAKEN")
        filer = filer_of(body, application, state.plan, now)
        # A first filing records the plan open for filing; a resubmission keeps its recorded plan.
        plan = {"plan": state.plan} if use_case is filing.submit else {"plans": state.plans}
        return 201, await use_case(uow, application, photo, _actor(who), now, filer, **plan)

    status, answer = await run_in(state.runtime.unit_of_work(), scoped(key, who.key), fingerprint, action)
    return JSONResponse(answer, status_code=status,
                        headers={"Location": f"/applications/{answer['application_id']}"} if status == 201 else None)


async def _uploads_cited(request: Request, body: SubmitRequest, who: Caller) -> bytes | None:
    """The uploaded photo the filing cites (if it cites one), after checking that every `doc-…`
    attachment it cites is this applicant's own upload."""
    state = request.app.state
    async with state.runtime.pool.acquire() as conn:
        unknown = await documents.unknown_documents(conn, who.person_ref, [a.attachment_id for a in body.attachments or []]
                                                    + ([body.photo_ref] if body.photo_ref else []))
        if unknown:
            raise InvalidInput("引用的材料未上传", "the filing cites documents this applicant has not uploaded",
                               details=[{"field": "attachments", "code": "DOCUMENT_UNKNOWN", "refs": unknown}])
        if not body.photo_ref:
            return None
        return await documents.document_bytes(conn, state.vault, who.person_ref, body.photo_ref)


@router.post("/applications", summary="File an application (个人申报)",
             **contract("fileApplication", answers.Filed, status=201, fails=(403, 409),
                        headers={"Location": "the application's own address"}))
async def submit(request: Request, body: SubmitRequest, who: ApplicantCaller, key: IdemKey = None):
    _named_applicant(request, who, body.applicant.id_number)
    return await _file(request, body, key, who, filing.submit)


@router.post("/applications/{application_id}/resubmissions",
             summary="Resubmit after a return for revision (退回修改后重新提交)",
             **contract("resubmitApplication", answers.Filed, status=201, fails=(403, 404, 409),
                        headers={"Location": "the application's own address"}))
async def resubmit(request: Request, application_id: uuid.UUID, body: SubmitRequest, who: ApplicantCaller,
                   key: IdemKey = None):
    await _owned(request, application_id, who)
    _named_applicant(request, who, body.applicant.id_number)
    return await _file(request, body, key, who, filing.resubmit, application_id)


@router.post("/applications/{application_id}/withdrawal", summary="Withdraw the application (撤回)",
             **contract("withdrawApplication", answers.Withdrawn, fails=(404, 409)))
async def withdraw(request: Request, application_id: uuid.UUID, body: WithdrawRequest, who: ApplicantCaller,
                   key: IdemKey = None):
    state = request.app.state
    await _owned(request, application_id, who)

    async def action(uow):
        return 200, await filing.withdraw(uow, application_id, body.reason, _actor(who), clock.now())

    status, answer = await run_in(state.runtime.unit_of_work(), scoped(key, who.key),
                                  request_fingerprint("withdraw", str(application_id), body.reason), action)
    return JSONResponse(answer, status_code=status)


async def _owned(request: Request, application_id: uuid.UUID, who: Caller) -> list:
    """The application's events if `who` may see them; someone else's answers exactly like none."""
    async with request.app.state.runtime.unit_of_work() as uow:
        events = await filing.history(uow, application_id)
    filed_with = events[0][1].application.unit.unit_id if events else None
    may_see = events and (who.role is Role.AUDITOR or (who.role is Role.UNIT and who.org == filed_with)
                          or (who.role is Role.APPLICANT and who.person_ref == filing.owner(events)))
    if not may_see:
        raise NotFound(*NOT_FOUND)
    return [envelope for envelope, _payload in events]


@router.get("/applications/{application_id}", summary="The application's history as filed (applicant, its unit, auditor)",
            **contract("readApplication", answers.ApplicationHistory, fails=(404,), headers={**ETAG, **PAGE}))
async def history(request: Request, response: Response, application_id: uuid.UUID,
                  who: Annotated[Caller, caller(Role.APPLICANT, Role.UNIT, Role.AUDITOR)],
                  limit: pages.Limit = pages.DEFAULT_LIMIT, cursor: pages.Cursor = None) -> dict:
    events = await _owned(request, application_id, who)
    # The applicant's own file read by the applicant is not a disclosure; anyone else's read is recorded.
    if who.role is not Role.APPLICANT:
        async with request.app.state.runtime.unit_of_work() as uow:
            owner = filing.owner(await filing.history(uow, application_id))
        await record_read(request, "application file", str(application_id), [owner])  # its own connection
    returned = await request.app.state.runtime.pool.fetchrow(
        "SELECT level, reason, sections::text AS sections FROM open_returns WHERE application_id = $1", application_id)
    response.headers["ETag"] = f'"{events[-1].stream_version}"'
    shown, next_cursor = pages.after(events, cursor, limit, lambda e: e.stream_version)
    pages.link(request, response, next_cursor)
    return {"application_id": str(application_id), "events": [e.model_dump(mode="json") for e in shown],
            "open_return": dict(returned) if returned else None, "next_cursor": next_cursor}


@router.get("/archive", summary="My achievement archive as intake knows it (我的业绩档案: what may be cited)",
            **contract("readMyArchive", answers.MyArchive, headers=PAGE))
async def my_archive(request: Request, response: Response, who: ApplicantCaller,
                     limit: pages.Limit = pages.DEFAULT_LIMIT, cursor: pages.Cursor = None) -> dict:
    start = pages.decode(cursor, 2)
    rows = await request.app.state.runtime.pool.fetch(
        "SELECT entry_id, unit_id, title, achieved_on, status FROM archive_entries WHERE person_ref = $1"
        " AND ($2::text IS NULL OR (achieved_on::text, entry_id) > ($2, $3)) ORDER BY achieved_on, entry_id"
        " LIMIT $4", who.person_ref, start and start[0], start and start[1], limit + 1)
    shown, next_cursor = pages.page(rows, limit, lambda r: (r["achieved_on"].isoformat(), r["entry_id"]))
    pages.link(request, response, next_cursor)
    return {"entries": [{**dict(r), "achieved_on": r["achieved_on"].isoformat()} for r in shown],
            "next_cursor": next_cursor}


@router.get("/units/{unit_id}", summary="Whether a unit may receive filings (its 授权委托证明 approved)",
            **contract("readUnitStatus", answers.UnitStatus))
async def unit_status(request: Request, unit_id: Annotated[Code, Path(min_length=1)],
                      _who: Annotated[Caller, caller(Role.APPLICANT, Role.UNIT, Role.AUDITOR)]) -> dict:
    """An applicant checks that their employer is registered before filing (附件1 一.2)."""
    async with request.app.state.runtime.unit_of_work() as uow:
        return {"unit_id": unit_id, "authorised": await uow.ports.units.is_authorised(unit_id)}
