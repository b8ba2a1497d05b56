"""Intake's HTTP routes: parse, authorise, call one use case, answer. 2xx only after commit."""
from __future__ import annotations

import uuid
from typing import Annotated
from zoneinfo import ZoneInfo

from plumbing.core.reads import record_read
from typing import Any

from fastapi import APIRouter, Body, Header, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from contracts.envelope import Actor, Role
from contracts.errors import Conflict, Forbidden, InvalidInput, NotFound, Refused
from plumbing import clock
from plumbing.core.idempotency import request_fingerprint, run_in, scoped
from plumbing.edges import pages
from plumbing.edges.inputs import Code, FreeForm
from plumbing.edges.security import Caller, caller
from plumbing.edges.openapi import ETAG_HEADERS as ETAG, PAGE_HEADERS as PAGE, contract
from services.intake.adapters import answers
from plumbing.edges.json_body import StrictJsonRoute
from services.intake.adapters.requests import SubmitRequest, WithdrawRequest
from services.intake.domain import validation
from services.intake.domain.deadlines import require_filing_open
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
    door = state.plan  # a first filing: the plan open for filing
    if application_id is not None:  # a resubmission: the door of the plan its first filing recorded
        async with state.runtime.unit_of_work() as uow:
            door = await filing.recorded_plan(uow, application_id, state.plans) or state.plan
    application, photo = prepare(body, door, person_ref_secret=state.settings.person_ref_secret, now=now,
                                 application_id=application_id, uploaded_photo=uploaded)
    fingerprint = request_fingerprint(use_case.__name__, str(application_id), body.model_dump(mode="json"))

    async def action(uow):
        # In the unit of work, on the connection this request holds: asking the pool for a second one
        # while holding it deadlocked intake under load (every holder waiting for another).
        if application_id is None and await filing.history(uow, application.application_id):
            # Taken, by this applicant or another: the same answer either way (no existence leak).
            raise Conflict("该申报编号已被使用，请使用新的编号", "this application_id is taken; use a new one",
                           code="APPLICATION_ID_TAKEN")
        filer = filer_of(body, application, door, now)
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


@router.post("/applications/checks", summary="Check a draft filing at the door without filing it (申报前检查)",
             **contract("checkDraftFiling", answers.DoorChecks))
async def check_draft(request: Request, who: ApplicantCaller,
                      body: Annotated[dict[str, FreeForm], Body(max_length=60)]) -> dict:
    """The door's checks on a filing as far as it is filled in (the web runs them at every step of its
    form): the same problems, codes and words a filing would be refused with, each naming its field,
    all at once; nothing is stored. A part that does not parse yet is reported as such, and the checks
    that need only their own part (ID number, credit code, the unit's authorisation, the photo) still run."""
    problems: list[dict] = []
    try:
        parsed: SubmitRequest | None = SubmitRequest.model_validate(body)
    except ValidationError as exc:
        parsed = None
        problems += [{"field": ".".join(map(str, e["loc"])), "code": "SCHEMA_" + e["type"].upper(),
                      "message_zh": f"字段格式不正确：{e['msg']}", "message_en": e["msg"]} for e in exc.errors()]
    problems += await _part_problems(request, who, body)
    if parsed is not None:
        problems += await _filing_problems(request, who, parsed)
    unique = list({(p.get("field", ""), p.get("code", "")): p for p in problems}.values())
    return {"problems": unique, "fileable": not unique}


def _problems_of(refused: Refused) -> list[dict]:
    listed = [d for d in refused.details if isinstance(d, dict)] if isinstance(refused.details, list) else []
    if listed and all("message_zh" in d for d in listed):
        return [{k: d.get(k, "") for k in ("field", "code", "message_zh", "message_en")} for d in listed]
    return [{"field": listed[0].get("field", "") if listed else "", "code": refused.code,
             "message_zh": refused.message_zh, "message_en": refused.message_en}]


async def _part_problems(request: Request, who: Caller, body: dict) -> list[dict]:
    """The checks a part of the filing answers on its own, before the whole parses."""
    state = request.app.state
    today = clock.now().astimezone(ZoneInfo(state.plan.timezone)).date()
    applicant = body.get("applicant") if isinstance(body.get("applicant"), dict) else {}
    unit = body.get("unit") if isinstance(body.get("unit"), dict) else {}
    found: list[validation.Problem] = []
    if isinstance(id_number := applicant.get("id_number"), str) and id_number.strip():
        found += (id_problems := validation.id_number_problems(id_number, today))
        if not id_problems:
            try:
                _named_applicant(request, who, id_number)
            except Forbidden as refused:
                found.append(validation.Problem("applicant.id_number", "APPLICANT_MISMATCH", refused.message_zh,
                                                refused.message_en))
    if isinstance(code := unit.get("credit_code"), str) and code.strip():
        found += validation.credit_code_problems(code)
    problems = [p.as_dict() for p in found]
    if isinstance(unit_id := unit.get("unit_id"), str) and unit_id.strip() and not (
            unit.get("kind") == "private_enterprise" and unit.get("personnel_files_at_talent_center")):
        async with state.runtime.unit_of_work() as uow:
            if not await uow.ports.units.is_authorised(unit_id.strip()):
                problems.append({"field": "unit.unit_id", "code": "UNIT_NOT_AUTHORIZED",
                                 "message_zh": f"单位“{unit.get('name') or unit_id}”尚未在平台提交授权委托证明并通过审核，暂不能以该单位申报",
                                 "message_en": f"unit {unit_id} has no approved authorization (授权委托证明) yet"})
    return problems


async def _filing_problems(request: Request, who: Caller, body: SubmitRequest) -> list[dict]:
    """Every check a filing meets, run without filing: the door's (photo rules, pledge, statement,
    ID, credit code, attachments, fields), the uploads cited, the archive's approvals, the window."""
    state = request.app.state
    now = clock.now()
    problems: list[dict] = []
    try:
        uploaded = await _uploads_cited(request, body, who)
    except InvalidInput as refused:
        problems += _problems_of(refused)
        uploaded = None
    try:
        application, _photo = prepare(body, state.plan, person_ref_secret=state.settings.person_ref_secret, now=now,
                                      uploaded_photo=uploaded)
    except Refused as refused:
        problems += _problems_of(refused)
        try:  # parsed without the door's checks, so the archive's approvals are still checked
            application, _photo = prepare(body, state.plan, person_ref_secret=state.settings.person_ref_secret,
                                          now=now, uploaded_photo=uploaded, door=False)
        except Refused:
            application = None
    async with state.runtime.unit_of_work() as uow:
        try:
            require_filing_open(now, state.plan)
        except Refused as refused:
            problems += _problems_of(refused)
        if application is not None:
            try:
                await filing.require_unit_known(uow, application)
            except Refused as refused:
                problems += _problems_of(refused) if refused.code != "UNIT_NOT_AUTHORIZED" else []  # reported above
            try:
                await filing.cited_from_archive(uow, application)
            except Refused as refused:
                problems += _problems_of(refused)
    return problems


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
