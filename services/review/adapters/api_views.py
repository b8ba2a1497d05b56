"""Read models per role (inbox, city dashboard), exports (公示表, 花名册), the achievement archive
and unit authorisation. Reads come from the projections; exports fold cases from the store."""
from __future__ import annotations

import uuid
from urllib.parse import quote
from datetime import date, datetime

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from contracts.envelope import Role
from contracts.errors import Forbidden, InvalidInput, NotFound
from contracts.limits import OPINION_MAX_CHARS, TITLE_MAX_CHARS
from plumbing import clock
from plumbing.core.application import receipt
from plumbing.core.idempotency import request_fingerprint, run_in, scoped
from plumbing.core.personal_data import lookup
from plumbing.core.reads import record_read
from plumbing.edges.openapi import PAGE_HEADERS, contract
from services.review.adapters import answers, exports, queries
from plumbing.edges import pages
from plumbing.edges.inputs import STRICT, Code, Day, LongText, StrictBool, Text
from plumbing.edges.json_body import StrictJsonRoute
from services.review.adapters.principal import guarded, principal_of, principal_of_caller
from services.review.domain import roster
from services.review.domain.archive import AddArchiveEntry, ReviewArchiveEntry
from services.review.domain.authorization import authorize
from services.review.domain.case import Scope
from services.review.usecases.cases import execute_archive, load_case, load_entry, plan_of
from services.review.domain.streams import archive_stream

router = APIRouter(tags=["views"], route_class=StrictJsonRoute)
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/inbox", summary="What waits for me: cases at my level, notices running, archive entries",
            **guarded("read"), **contract("readInbox", answers.Inbox, headers=PAGE_HEADERS))
async def inbox(request: Request, response: Response, limit: pages.Limit = pages.DEFAULT_LIMIT,
                cursor: pages.Cursor = None) -> dict:
    principal = principal_of(request)
    authorize(principal, "read", Scope(principal.person_ref, principal.org, principal.area))
    key = pages.decode(cursor, 2)
    try:
        after = (datetime.fromisoformat(str(key[0])), uuid.UUID(str(key[1]))) if key else None
    except ValueError:  # a cursor whose key is not a (time, uuid) pair
        raise pages.bad_cursor() from None
    pool = request.app.state.runtime.pool
    answer = await queries.inbox(pool, principal, request.app.state.plans, request.app.state.plan, limit=limit,
                                 after=after)
    named = [c["application_id"] for c in answer.get("cases", []) if c.get("applicant_name")]
    if named and principal.role is not Role.APPLICANT:  # staff shown applicants' names: a recorded read
        refs = await pool.fetch("SELECT person_ref FROM case_view WHERE application_id = ANY($1::uuid[])", named)
        await record_read(request, "inbox names", f"{len(named)} cases", [r["person_ref"] for r in refs])
    next_key = answer.pop("next_key")
    answer["next_cursor"] = pages.encode(next_key) if next_key else None
    pages.link(request, response, answer["next_cursor"])
    return answer


@router.get("/dashboard", summary="City dashboard: counts by area, specialty, category, stage; near deadlines",
            **guarded("read_dashboard"), **contract("readDashboard", answers.Dashboard))
async def dashboard(request: Request) -> dict:
    return await queries.dashboard(request.app.state.runtime.pool, request.app.state.plans, request.app.state.plan,
                                   clock.now())


def _file(rows, headers, title: str, fmt: str, name: str) -> Response:
    if fmt not in FORMATS:
        raise InvalidInput("导出格式只支持csv或xlsx", "format must be csv or xlsx", code="UNKNOWN_FORMAT")
    data = exports.to_csv(rows, headers) if fmt == "csv" else exports.to_xlsx(rows, headers, title)
    return Response(data, media_type=FORMATS[fmt],
                    # Any unit id may name the file: percent-encoded UTF-8 (RFC 6266), never a raw header byte.
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}.{fmt}"})


async def _cases(request: Request, ids: list[uuid.UUID]):
    return [(await load_case(request.app.state.recorder, i))[0] for i in ids]


@router.get("/exports/roster", summary="评委会评审对象花名册: one receiving unit (area) or the whole city",
            **guarded("export_roster"),
            **contract("exportRoster", content=answers.export_content("序号,姓名,身份证号,工作单位")))
async def roster_export(request: Request, area: Code | None = Query(None), format: str = Query("csv", max_length=10)) -> Response:
    plans = request.app.state.plans
    principal = principal_of(request)
    authorize(principal, "export_roster", Scope(area=area) if area else None)
    cases = await _cases(request, await queries.roster_ids(request.app.state.runtime.pool, area))
    people = await lookup(request.app.state.runtime.pool, [c.summary.person_ref for c in cases])
    rows = roster.roster_rows(cases, lambda case: plan_of(case, plans), area, people)  # each case's own plan
    await record_read(request, "roster export", area or "city", [c.summary.person_ref for c in cases])
    return _file(rows, roster.ROSTER_HEADERS, "花名册", format, f"roster-{area or 'city'}")


@router.get("/exports/public-notice", summary="公示表 of a unit", **guarded("export_notice_table"),
            **contract("exportPublicNotice", content=answers.export_content("序号,姓名,工作单位,从事专业")))
async def notice_export(request: Request, unit_id: Code = Query(), format: str = Query("csv", max_length=10)) -> Response:
    principal = principal_of(request)
    authorize(principal, "export_notice_table", Scope(unit_org=unit_id))
    pool = request.app.state.runtime.pool
    cases = await _cases(request, await queries.notice_ids(pool, unit_id))
    achievements = await queries.approved_titles(pool, [c.applicant_ref for c in cases])
    people = await lookup(pool, [c.summary.person_ref for c in cases])
    rows = roster.notice_rows(cases, unit_id, {c.application_id: achievements.get(c.applicant_ref, [])
                                               for c in cases}, people)
    await record_read(request, "public-notice export", unit_id, [c.summary.person_ref for c in cases])
    return _file(rows, roster.NOTICE_HEADERS, "公示表", format, f"public-notice-{unit_id}")


class NewEntry(BaseModel):
    model_config = STRICT

    entry_id: Code = Field(default_factory=lambda: f"ach-{uuid.uuid4().hex[:12]}", min_length=1)
    unit_id: Code = Field(min_length=1)
    title: Text = Field(min_length=1, max_length=TITLE_MAX_CHARS)
    achieved_on: Day
    kind: Code = "project"


@router.post("/archive", summary="Applicant adds an entry to the achievement archive",
             **guarded("add_archive_entry"),
             **contract("addArchiveEntry", answers.EntryRecorded, status=201, fails=(409,),
                        headers={"Location": "the entry's stream (auditors read it at this address)"}))
async def add_entry(request: Request, body: NewEntry, key: IdemKey = None) -> JSONResponse:
    """With an Idempotency-Key, a retry gets the first answer (201) and records nothing twice."""
    principal = principal_of(request)
    authorize(principal, "add_archive_entry", Scope(person_ref=principal.person_ref))
    command = AddArchiveEntry(principal.actor(), body.entry_id, principal.person_ref, body.unit_id, body.title,
                              body.achieved_on, body.kind)

    async def action(uow):
        events = receipt(await execute_archive(uow, command, now=clock.now(), key=body.entry_id))
        return 201, {"entry_id": body.entry_id, "events": events}

    return await _once(request, key, request_fingerprint("review.archive.add", body.model_dump(mode="json")), action,
                       location=f"/audit/streams/{archive_stream(quote(body.entry_id, safe=''))}")


async def _once(request: Request, key: str | None, fingerprint: str, action, location: str | None = None) -> JSONResponse:
    """The HTTP edge's unit of work, with the caller's Idempotency-Key record in it."""
    status, answer = await run_in(request.app.state.runtime.unit_of_work(), scoped(key, principal_of_caller(request)),
                                  fingerprint, action)
    return JSONResponse(answer, status_code=status, headers={"Location": location} if location and status == 201 else None)


class EntryReview(BaseModel):
    model_config = STRICT

    approve: StrictBool
    text: LongText = Field("", max_length=OPINION_MAX_CHARS)


@router.post("/archive/{entry_id}/review", summary="Unit approves or rejects an archive entry",
             **guarded("approve_archive_entry"),
             **contract("reviewArchiveEntry", answers.EntryRecorded, fails=(404, 409)))
async def review_entry(request: Request, entry_id: Annotated[Code, Path()], body: EntryReview,
                       key: IdemKey = None) -> JSONResponse:
    """With an Idempotency-Key, a retry gets the first answer and records nothing twice."""
    principal = principal_of(request)
    action_name = "approve_archive_entry" if body.approve else "reject_archive_entry"

    async def action(uow):
        entry, _ = await load_entry(uow, entry_id)
        if entry is None:  # another unit's entry and no entry answer alike
            raise NotFound("未找到该业绩档案", "no such archive entry")
        try:
            authorize(principal, action_name, Scope(unit_org=entry.unit_id))
        except Forbidden as refused:
            if refused.code == "OUT_OF_SCOPE":
                raise NotFound("未找到该业绩档案", "no such archive entry") from None
            raise
        command = ReviewArchiveEntry(principal.actor(), entry_id, body.approve, body.text)
        events = await execute_archive(uow, command, now=clock.now(), key=entry_id)
        return 200, {"entry_id": entry_id, "events": receipt(events)}

    return await _once(request, key, request_fingerprint("review.archive.review", entry_id, body.model_dump(mode="json")),
                       action)
