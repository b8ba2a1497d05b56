"""The unit's pages: the inbox (filters, counts by stage, pages; htmx swaps the table), the case
page (materials and attachments, eligibility reasons, history) with its decisions, batch decisions,
the public notice (start, objections, completion, the 公示表), and archive approvals."""
from __future__ import annotations

import math
from collections import Counter

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from contracts.envelope import Role
from web import labels
from web.pages import checked_form, page, signed_in
from web.services import ApiRefused

router = APIRouter(prefix="/unit")
PAGE_SIZE = 10
# The decision a form names → the review route and the body built from the form's fields.
DECISIONS = {
    "unit-pass": lambda f: {"opinion": f.get("opinion", "")},
    "unit-not-pass": lambda f: {"reason": f.get("reason", "")},
    "return": lambda f: {"reason": f.get("reason", ""),
                         "sections": [{"section": f.get("section", ""), "reason": f.get("section_reason", "")}]},
    "public-notice-start": lambda f: {"starts_on": f.get("starts_on", "")},
    "objection": lambda f: {"summary": f.get("summary", "")},
    "objection-resolve": lambda f: {"upheld": f.get("upheld") == "yes", "finding": f.get("finding", "")},
    "public-notice-complete": lambda f: {"result": f.get("result", "")},
}


def _filtered(cases: list[dict], stage: str, q: str) -> list[dict]:
    return [c for c in cases if (not stage or c["stage"] == stage)
            and (not q or q in (c.get("applicant_name") or "") or q in (c.get("specialty") or ""))]


async def _inbox_context(request: Request, api) -> dict:
    inbox = await api.get("review", "/inbox")
    stage = request.query_params.get("stage", "")[:40]
    q = request.query_params.get("q", "")[:50].strip()
    try:
        number = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        number = 1
    chosen = _filtered(inbox["cases"], stage, q)
    pages = max(1, math.ceil(len(chosen) / PAGE_SIZE))
    number = min(number, pages)
    shown = chosen[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
    # Each case's version as read now: a batch decision names it per case, so a case another officer
    # moved on since this page was shown is refused (412) instead of decided on what was not seen.
    for case in shown:
        case["version"] = ((await api.get("review", f"/cases/{case['application_id']}") or {}).get("case") or {}).get("version")
    return {"counts": Counter(c["stage"] for c in inbox["cases"]), "total": len(inbox["cases"]),
            "cases": shown, "matching": len(chosen),
            "page_number": number, "pages": pages, "stage": stage, "q": q, "deadline": inbox.get("deadline"),
            "waiting_entries": len(inbox.get("archive_entries_waiting", [])),
            "stages": [(code, labels.stage(code)) for code in labels.STAGES]}


@router.get("")
async def inbox(request: Request):
    session, api = signed_in(request, Role.UNIT)
    context = await _inbox_context(request, api)
    template = "unit_cases_table.html" if request.headers.get("HX-Request") else "unit_inbox.html"
    return page(request, session, template, {"title": "待办申报", **context, "done": request.query_params.get("done")})


@router.post("/batch")
async def batch(request: Request):
    """The same decision on the cases ticked in the inbox; each succeeds or fails on its own."""
    session, api = signed_in(request, Role.UNIT)
    form = await checked_form(request, session)
    decision = str(form.get("decision", ""))
    ids = [str(i) for i in form.getlist("case")][:500]
    if decision not in DECISIONS or not ids:
        raise ApiRefused(422, {"code": "NOTHING_CHOSEN", "message_zh": "请选择申报和审查决定",
                               "message_en": "choose cases and a decision"})
    fields = DECISIONS[decision]({k: str(v).strip() for k, v in form.items()})
    items = []
    for i in ids:
        version = str(form.get(f"version-{i}", ""))
        items.append({"application_id": i, "fields": fields,
                      **({"expected_version": int(version)} if version.isdigit() else {})})
    answer = await api.post("review", "/cases/batch", {"decision": decision, "items": items})
    names = {c["application_id"]: c.get("applicant_name") for c in (await api.get("review", "/inbox"))["cases"]}
    for result in answer.get("results", []):
        result["applicant_name"] = names.get(result["application_id"], "")
    context = await _inbox_context(request, api)
    return page(request, session, "unit_inbox.html", {"title": "待办申报", **context, "batch": answer})


async def _case_page(request: Request, session, api, application_id: str, refusal=None, status: int = 200):
    case = await api.get("review", f"/cases/{application_id}/history")  # a reviewer's view: who decided, every text
    filed = await api.get("intake", f"/applications/{application_id}")
    assessments = await api.call("GET", "eligibility", f"/assessments/{application_id}", ok_missing=True)
    latest_filing = (filed or {}).get("events", [{}])[-1].get("payload", {}).get("application", {})
    assessed = assessments.json()[-1]["payload"] if assessments.status_code == 200 else None
    return page(request, session, "unit_case.html", {
        "title": "申报详情", "case": case["case"], "history": case["history"], "application": latest_filing,
        "assessment": assessed, "refusal": refusal, "sections": labels.SECTIONS, "id": application_id}, status=status)


@router.get("/cases/{application_id}")
async def case_page(request: Request, application_id: str):
    session, api = signed_in(request, Role.UNIT)
    return await _case_page(request, session, api, application_id)


@router.post("/cases/{application_id}/{decision}")
async def decide(request: Request, application_id: str, decision: str):
    session, api = signed_in(request, Role.UNIT)
    form = await checked_form(request, session)
    if decision not in DECISIONS:
        return Response(status_code=404)
    try:
        await api.post("review", f"/cases/{application_id}/{decision}",
                       DECISIONS[decision]({k: str(v).strip() for k, v in form.items()}))
    except ApiRefused as refused:
        return await _case_page(request, session, api, application_id, refused.body, refused.status)
    return RedirectResponse(f"/unit/cases/{application_id}?done={decision}", status_code=303)


@router.get("/documents/{ref}")
async def document(request: Request, ref: str):
    """An attachment of a case filed with this unit, as intake serves it to the unit."""
    _session, api = signed_in(request, Role.UNIT)
    answer = await api.call("GET", "intake", f"/documents/{ref[:60]}")
    return Response(answer.content, media_type=answer.headers.get("content-type", "application/octet-stream"),
                    headers={"Content-Disposition": f'attachment; filename="{ref[:60]}"',
                             "Content-Security-Policy": "default-src 'none'; sandbox"})


@router.get("/archive")
async def archive(request: Request):
    session, api = signed_in(request, Role.UNIT)
    inbox = await api.get("review", "/inbox")
    return page(request, session, "unit_archive.html", {"title": "业绩档案审核", "entries": inbox["archive_entries_waiting"],
                                                        "done": request.query_params.get("done")})


@router.post("/archive/{entry_id}")
async def review_entry(request: Request, entry_id: str):
    session, api = signed_in(request, Role.UNIT)
    form = await checked_form(request, session)
    approve = form.get("approve") == "yes"
    await api.post("review", f"/archive/{entry_id}/review", {"approve": approve, "text": str(form.get("text", "")).strip()})
    return RedirectResponse(f"/unit/archive?done={'approved' if approve else 'rejected'}", status_code=303)


@router.get("/notice")
async def notice(request: Request):
    session, api = signed_in(request, Role.UNIT)
    inbox = await api.get("review", "/inbox")
    return page(request, session, "unit_notice.html", {"title": "公示", "running": inbox["public_notices_running"],
                                                       "awaiting": [c for c in inbox["cases"] if c["stage"] == "awaiting_notice"]})


@router.get("/notice/table")
async def notice_table(request: Request, format: str = "xlsx"):
    """The unit's 公示表 as review exports it."""
    session, api = signed_in(request, Role.UNIT)
    fmt = "csv" if format == "csv" else "xlsx"
    answer = await api.call("GET", "review", "/exports/public-notice",
                            params={"unit_id": session.data["account"]["org"], "format": fmt})
    return Response(answer.content, media_type=answer.headers.get("content-type"),
                    headers={"Content-Disposition": answer.headers.get("content-disposition", f'attachment; filename="notice.{fmt}"')})
