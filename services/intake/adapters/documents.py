"""Intake's upload door and the filing form's drafts.

Documents: `POST /documents?kind=…&year=…` takes one file as the request body (its own bound,
`contracts/limits.py`, outside the filing body's). Its type is read from its content, never from a
name or header: JPEG or PDF only, and the photo must pass the notice's photo rules. A file is kept
once per applicant, addressed by its SHA-256 *within that applicant* (another applicant's identical
file is a row of its own, sealed with their key), sealed with the applicant's data key, and cited in
an application by `ref`, a keyed hash of (applicant, SHA-256), so the content's hash is in no event.
It is served to its applicant, to the unit of an application that applicant filed, and to auditors.

Drafts: `PUT /drafts/mine` keeps the fields typed so far (sealed, personal data), until the end of
the season (the plan's last deadline); erasure deletes them with the documents.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import warnings
from datetime import datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, Field

from contracts.application import AttachmentKind
from contracts.envelope import Role
from contracts.errors import Conflict, InvalidInput, NotFound, TooLarge
from contracts.limits import (DOCUMENT_MAX_BYTES, DOCUMENTS_MAX_BYTES_PER_APPLICANT, DOCUMENTS_MAX_COUNT_PER_APPLICANT,
                              DRAFT_MAX_BYTES)
from contracts.plan import Plan
from plumbing import clock
from plumbing.edges import pages
from plumbing.edges.inputs import STRICT
from plumbing.edges.openapi import PAGE_HEADERS, contract
from plumbing.edges.security import Caller, caller
from services.intake.adapters import answers
from plumbing.edges.json_body import StrictJsonRoute
from services.intake.domain.photo import photo_problems

router = APIRouter(tags=["documents"], route_class=StrictJsonRoute)
PHOTO = "photo"
KINDS = {PHOTO, *(k.value for k in AttachmentKind)}
TYPES = {"image/jpeg": "JPEG", "application/pdf": "PDF"}
NO_DOCUMENT = ("未找到该材料", "no such document")
_DOCUMENT_CITERS = ("SELECT 1 FROM events WHERE event_type IN ('ApplicationSubmitted', 'ApplicationResubmitted')"
                    " AND payload->'application'->'applicant'->>'person_ref' = $1"
                    " AND payload->'application'->'unit'->>'unit_id' = $2 LIMIT 1")


def sniff(data: bytes) -> str | None:
    """The content type read from the bytes themselves: a JPEG that decodes, or a PDF with its
    header and end marker. Anything else is None, whatever its name or declared type said."""
    if data[:3] == b"\xff\xd8\xff":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as image:
                    if image.format == "JPEG":
                        image.verify()
                        return "image/jpeg"
        except Image.DecompressionBombError:
            # A JPEG whose header claims more pixels than the image library opens: its type is
            # known, it is never decoded here; a photo is then refused PHOTO_PIXELS by its check.
            return "image/jpeg"
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return None
    if data[:5] == b"%PDF-" and b"%%EOF" in data[-1024:]:
        return "application/pdf"
    return None


def document_ref(secret: str, person_ref: str, sha256: str) -> str:
    """The keyed hash an application cites a document by: the same file of two applicants, or one
    applicant's file under another key, never gives the same ref, and the ref reveals no hash."""
    digest = hmac.new(secret.encode(), f"zhicheng-document\x1f{person_ref}\x1f{sha256}".encode(), hashlib.sha256)
    return "doc-" + digest.hexdigest()[:40]


def season_end(plan: Plan) -> datetime:
    """Drafts live until the day after the season's last deadline, Asia/Shanghai."""
    last = max(plan.unit_deadline, plan.city_deadline, plan.city_working_deadline)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=ZoneInfo(plan.timezone))


def _applicant(who: Caller) -> str:
    if who.role is not Role.APPLICANT or not who.person_ref:
        raise NotFound(*NO_DOCUMENT)
    return who.person_ref


@router.post("/documents", summary="Upload the photo or one attachment (JPEG or PDF, type read from the content)",
             **contract("uploadDocument", answers.Document, status=201, also=(200,), fails=(409,),
                        headers={"Location": "the document's content"}))
async def upload(request: Request, who: Annotated[Caller, caller(Role.APPLICANT)],
                 kind: str = Query(max_length=40), year: int | None = Query(None, ge=1950, le=2100)) -> Response:
    state = request.app.state
    person = _applicant(who)
    if kind not in KINDS:
        raise InvalidInput("材料类别不正确", f"unknown document kind: {kind}",
                           details=[{"field": "kind", "code": "DOCUMENT_KIND", "allowed": sorted(KINDS)}])
    data = await request.body()
    limit = state.plan.photo.max_bytes_exclusive - 1 if kind == PHOTO else DOCUMENT_MAX_BYTES
    if len(data) > limit:
        raise TooLarge(f"文件过大（上限{limit // 1024}KB）", f"the file is larger than {limit} bytes",
                       code="DOCUMENT_TOO_LARGE", details=[{"field": "file", "limit_bytes": limit, "got_bytes": len(data)}])
    content_type = sniff(data)
    if content_type is None or (kind == PHOTO and content_type != "image/jpeg"):
        allowed = "JPG/JPEG" if kind == PHOTO else "JPG/JPEG 或 PDF"
        raise InvalidInput(f"文件格式不支持，请上传{allowed}文件", "the file is not a JPEG" + ("" if kind == PHOTO else " or a PDF"),
                           details=[{"field": "file", "code": "DOCUMENT_TYPE", "message_zh": f"仅支持{allowed}",
                                     "message_en": "JPEG" + ("" if kind == PHOTO else " or PDF") + " only"}])
    if kind == PHOTO and (problems := photo_problems(data, state.plan.photo)):
        raise InvalidInput("证件照不符合要求", "the photo does not meet the rules", details=[p.as_dict() for p in problems])
    sha = hashlib.sha256(data).hexdigest()
    ref = document_ref(state.settings.person_ref_secret, person, sha)
    async with state.runtime.pool.acquire() as conn, conn.transaction():
        # One applicant's uploads are counted under a lock on their key row (made if missing).
        sealed = await state.vault.seal_bytes(conn, person, data, "document")
        await conn.execute("SELECT 1 FROM person_keys WHERE person_ref = $1 FOR UPDATE", person)
        held = await conn.fetchrow("SELECT count(*) AS n, COALESCE(sum(size_bytes), 0) AS bytes FROM documents"
                                   " WHERE person_ref = $1", person)
        existing = await conn.fetchrow("SELECT kind, year FROM documents WHERE person_ref = $1 AND sha256 = $2", person, sha)
        if existing is None:
            if held["n"] >= DOCUMENTS_MAX_COUNT_PER_APPLICANT or held["bytes"] + len(data) > DOCUMENTS_MAX_BYTES_PER_APPLICANT:
                raise TooLarge("已上传的材料超过上限", "this applicant's documents would exceed their bound",
                               code="DOCUMENTS_QUOTA", details=[{"limit_count": DOCUMENTS_MAX_COUNT_PER_APPLICANT,
                                                                 "limit_bytes": DOCUMENTS_MAX_BYTES_PER_APPLICANT}])
            await conn.execute("INSERT INTO documents (person_ref, sha256, ref, kind, year, content_type, size_bytes, sealed)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", person, sha, ref, kind, year, content_type,
                               len(data), sealed)
        elif (existing["kind"], existing["year"]) != (kind, year):
            raise Conflict("同一文件已作为其他材料上传", "the same file is already uploaded as another document",
                           code="DOCUMENT_ALREADY_UPLOADED")
    body = {"ref": ref, "kind": kind, "year": year, "content_type": content_type, "size_bytes": len(data)}
    return Response(json.dumps(body), status_code=201 if existing is None else 200, media_type="application/json",
                    headers={"Location": f"/documents/{ref}"} if existing is None else None)


@router.get("/documents", summary="My uploaded documents (applicant)",
            **contract("readMyDocuments", answers.MyDocuments, headers=PAGE_HEADERS))
async def mine(request: Request, response: Response, who: Annotated[Caller, caller(Role.APPLICANT)],
               limit: pages.Limit = pages.DEFAULT_LIMIT, cursor: pages.Cursor = None) -> dict:
    rows = await request.app.state.runtime.pool.fetch(
        "SELECT ref, kind, year, content_type, size_bytes, uploaded_at FROM documents WHERE person_ref = $1"
        " ORDER BY uploaded_at, ref", _applicant(who))
    # A few dozen at most (DOCUMENTS_MAX_COUNT_PER_APPLICANT), in upload order: a position is a stable key.
    shown, next_cursor = pages.after(list(enumerate(rows, 1)), cursor, limit, lambda r: r[0])
    pages.link(request, response, next_cursor)
    return {"documents": [{**dict(r), "uploaded_at": r["uploaded_at"].isoformat()} for _, r in shown],
            "next_cursor": next_cursor}


@router.get("/documents/{ref}", summary="One document's content: its applicant, the unit filed with, auditors",
            **contract("readDocument", content=answers.DOCUMENT_CONTENT, fails=(404,)))
async def content(request: Request, ref: Annotated[str, Path(max_length=60)],
                  who: Annotated[Caller, caller(Role.APPLICANT, Role.UNIT, Role.AUDITOR)]) -> Response:
    state = request.app.state
    async with state.runtime.pool.acquire() as conn:
        row = await conn.fetchrow("SELECT person_ref, content_type, sealed FROM documents WHERE ref = $1", ref)
        allowed = row is not None and (
            who.role is Role.AUDITOR
            or (who.role is Role.APPLICANT and who.person_ref == row["person_ref"])
            or (who.role is Role.UNIT and await conn.fetchval(_DOCUMENT_CITERS, row["person_ref"], who.org)))
        if not allowed:  # someone else's document answers exactly like none
            raise NotFound(*NO_DOCUMENT)
        data = await state.vault.open_bytes(conn, row["person_ref"], row["sealed"], "document")
    if data is None:
        raise NotFound(*NO_DOCUMENT)
    return Response(data, media_type=row["content_type"], headers={
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'inline; filename="{ref}.{TYPES[row["content_type"]].lower().replace("jpeg", "jpg")}"'})


async def document_bytes(conn, vault, person_ref: str, ref: str) -> bytes | None:
    """An applicant's own document by its ref (the photo a filing cites), or None."""
    row = await conn.fetchrow("SELECT sealed FROM documents WHERE ref = $1 AND person_ref = $2", ref, person_ref)
    return None if row is None else await vault.open_bytes(conn, person_ref, row["sealed"], "document")


async def unknown_documents(conn, person_ref: str, refs: list[str]) -> list[str]:
    """The `doc-…` refs among `refs` that are not this applicant's documents."""
    wanted = sorted({r for r in refs if r.startswith("doc-")})
    if not wanted:
        return []
    known = {r["ref"] for r in await conn.fetch("SELECT ref FROM documents WHERE person_ref = $1 AND ref = ANY($2::text[])",
                                                person_ref, wanted)}
    return [r for r in wanted if r not in known]


class Draft(BaseModel):
    model_config = STRICT
    step: int = Field(ge=1, le=20)
    fields: dict[str, Any] = Field(max_length=200)


@router.put("/drafts/mine", summary="Save the filing form's draft (sealed; kept until the season ends)",
            **contract("saveMyDraft", answers.DraftSaved))
async def save_draft(request: Request, draft: Draft, who: Annotated[Caller, caller(Role.APPLICANT)]) -> dict:
    state = request.app.state
    person = _applicant(who)
    raw = json.dumps(draft.model_dump(mode="json"), ensure_ascii=False).encode()
    if len(raw) > DRAFT_MAX_BYTES:
        raise TooLarge("草稿过大", f"the draft is larger than {DRAFT_MAX_BYTES} bytes", code="DRAFT_TOO_LARGE")
    expires = season_end(state.plan)
    async with state.runtime.pool.acquire() as conn, conn.transaction():
        sealed = await state.vault.seal_bytes(conn, person, raw, "draft")
        await conn.execute("INSERT INTO drafts (person_ref, sealed, updated_at, expires_at) VALUES ($1, $2, $3, $4)"
                           " ON CONFLICT (person_ref) DO UPDATE SET sealed = $2, updated_at = $3, expires_at = $4",
                           person, sealed, clock.now(), expires)
    return {"saved": True, "step": draft.step, "expires_at": expires.isoformat()}


@router.get("/drafts/mine", summary="My draft of the filing form, if any", **contract("readMyDraft", answers.MyDraft))
async def read_draft(request: Request, who: Annotated[Caller, caller(Role.APPLICANT)]) -> dict:
    state = request.app.state
    person = _applicant(who)
    async with state.runtime.pool.acquire() as conn:
        # An expired draft is gone, whoever asks first (the season is over).
        await conn.execute("DELETE FROM drafts WHERE expires_at < $1", clock.now())
        row = await conn.fetchrow("SELECT sealed, updated_at FROM drafts WHERE person_ref = $1", person)
        raw = None if row is None else await state.vault.open_bytes(conn, person, row["sealed"], "draft")
    if raw is None:
        return {"draft": None}
    return {"draft": json.loads(raw), "updated_at": row["updated_at"].isoformat()}


@router.delete("/drafts/mine", summary="Discard my draft", **contract("discardMyDraft", answers.DraftDiscarded))
async def discard_draft(request: Request, who: Annotated[Caller, caller(Role.APPLICANT)]) -> dict:
    await request.app.state.runtime.pool.execute("DELETE FROM drafts WHERE person_ref = $1", _applicant(who))
    return {"discarded": True}
