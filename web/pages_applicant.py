"""The applicant's pages: the status page, the achievement archive, the filing form in steps
(a draft saved by intake at every step), and the uploads."""
from __future__ import annotations

import json
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from contracts.envelope import Role
from contracts.limits import DOCUMENT_MAX_BYTES
from contracts.plan import load_plan
from plumbing import clock
from web import filing
from web.pages import checked_form, page, signed_in
from web.services import ApiRefused

router = APIRouter(prefix="/applicant")
PLAN = load_plan("shaoxing-2020")
DECISIONS = {"UnitApproved", "UnitRejected", "Returned", "PublicNoticeStarted", "PublicNoticeCompleted",
             "ObjectionResolved", "DepartmentApproved", "DepartmentRejected", "HRBureauRecommended",
             "ForwardedToCommittee", "InterviewScheduled", "InterviewResultRecorded", "FeeRequested", "CaseClosed",
             "ClosedOverdue"}


def _decisions(history: list[dict]) -> list[dict]:
    out = []
    for e in history:
        if e.get("event_type") in DECISIONS:
            p = e.get("payload") or {}
            out.append({"event": e["event_type"], "at": e.get("occurred_at") or e.get("recorded_at"),
                        "by": (e.get("by") or e.get("actor") or {}).get("role", ""),
                        "words": p.get("opinion") or p.get("reason") or p.get("result") or p.get("finding") or "",
                        "sections": p.get("sections") or [], "ends_on": p.get("ends_on")})
    return out


def _open_return(returned: dict | None) -> dict | None:
    """Intake's open return with its modules to fix as a list (intake answers them as JSON text)."""
    if not returned:
        return None
    try:
        sections = json.loads(returned.get("sections") or "[]")
    except ValueError:
        sections = []
    return {**returned, "sections": [s for s in sections if isinstance(s, dict)] if isinstance(sections, list) else []}


@router.get("")
async def status(request: Request):
    session, api = signed_in(request, Role.APPLICANT)
    inbox = await api.get("review", "/inbox")
    cases = []
    for case in inbox["cases"]:
        app_id = case["application_id"]
        detail = await api.get("review", f"/cases/{app_id}") or {}
        filed = await api.get("intake", f"/applications/{app_id}") or {}
        sms = await api.get("notify", f"/notifications/{app_id}/mine") or {}
        cases.append({**case, "decisions": _decisions(detail.get("decisions", [])),
                      "open_return": _open_return(filed.get("open_return")), "sms": sms.get("deliveries", []),
                      "paper": (detail.get("case") or {}).get("paper")})
    draft = (await api.get("intake", "/drafts/mine") or {}).get("draft")
    return page(request, session, "applicant_status.html", {"title": "我的申报", "cases": cases, "draft": draft,
                                                            "deadline": inbox.get("deadline"), "plan": PLAN})


async def _archive_page(request: Request, session, api, refusal=None, status: int = 200):
    entries = (await api.get("intake", "/archive"))["entries"]
    return page(request, session, "applicant_archive.html", {"title": "我的业绩档案", "entries": entries,
                                                             "refusal": refusal}, status=status)


@router.get("/archive")
async def archive(request: Request):
    session, api = signed_in(request, Role.APPLICANT)
    return await _archive_page(request, session, api)


@router.post("/archive")
async def add_entry(request: Request):
    session, api = signed_in(request, Role.APPLICANT)
    form = await checked_form(request, session)
    try:
        await api.post("review", "/archive", {"unit_id": str(form.get("unit_id", "")).strip(),
                                              "title": str(form.get("title", "")).strip(),
                                              "achieved_on": str(form.get("achieved_on", ""))})
    except ApiRefused as refused:
        return await _archive_page(request, session, api, refused.body, refused.status)
    return RedirectResponse("/applicant/archive?added=1", status_code=303)


async def _draft(api) -> dict:
    return (await api.get("intake", "/drafts/mine") or {}).get("draft") or {"step": 1, "fields": {}}


async def _door_checks(api, fields: dict, documents: list[dict] | None = None) -> list[dict]:
    """Intake's door checks on the draft as it stands, field by field, and eligibility's rules it
    already fails (its preview): nothing is filed, nothing stored; the words are the services'."""
    if documents is None:
        documents = (await api.get("intake", "/documents"))["documents"]
    body = filing.submit_body(PLAN, fields, documents, fields.get("application_id") or str(uuid.uuid4()),
                              clock.now().isoformat())
    door = (await api.call("POST", "intake", "/applications/checks", json=body)).json()["problems"]
    body.pop("applicant")  # eligibility judges the filing, not the person's name or ID number
    rules = (await api.call("POST", "eligibility", "/assessments/preview", json=body)).json()
    return door + filing.rule_problems(rules)


async def _step_page(request: Request, session, api, number: int, *, refusal=None, status: int = 200, saved=False,
                     checks: list[dict] | None = None):
    steps = filing.steps(PLAN)
    step = steps[max(1, min(number, len(steps))) - 1]
    draft = await _draft(api)
    if checks is None and step.kind == "documents":  # the uploads are saved one by one: checked on every view
        checks = filing.checks_of_step(PLAN, await _door_checks(api, draft["fields"]), step.number)
    context = {"title": f"填写申报 · 第{step.number}步 {step.title}", "steps": steps, "step": step,
               "values": draft["fields"], "refusal": refusal, "saved": saved, "checks": checks,
               "described": {c["control"]: c["id"] for c in checks or [] if c.get("control")},
               "achievement_checks": " ".join(c["id"] for c in checks or [] if c["field"].startswith("achievements"))}
    if step.kind == "achievements":
        context["archive"] = [e for e in (await api.get("intake", "/archive"))["entries"] if e["status"] == "approved"]
        context["cited"] = {a["entry_id"] for a in draft["fields"].get("achievements", [])}
    if step.kind in ("documents", "confirm"):
        context["documents"] = (await api.get("intake", "/documents"))["documents"]
        context["required"] = filing.required_documents(PLAN)
        context["max_mb"] = DOCUMENT_MAX_BYTES // (1024 * 1024)
    return page(request, session, "filing_step.html", context, status=status)


@router.get("/filing/{number}")
async def step_page(request: Request, number: int):
    session, api = signed_in(request, Role.APPLICANT)
    return await _step_page(request, session, api, number)


@router.post("/filing/{number}")
async def save_step(request: Request, number: int):
    """Keep this step's answers in the draft (intake seals it), then show the next step."""
    session, api = signed_in(request, Role.APPLICANT)
    form = await checked_form(request, session)
    steps = filing.steps(PLAN)
    step = steps[max(1, min(number, len(steps))) - 1]
    draft = await _draft(api)
    fields = dict(draft["fields"])
    fields.setdefault("application_id", str(uuid.uuid4()))  # one id for every try: a retried filing is the same filing
    for f in step.fields:
        fields[f.name] = bool(form.get(f.name)) if f.type == "checkbox" else str(form.get(f.name, "")).strip()
    if step.kind == "achievements":
        chosen = set(form.getlist("achievement"))
        archive = (await api.get("intake", "/archive"))["entries"]
        fields["achievements"] = [{"entry_id": e["entry_id"], "title": e["title"], "achieved_on": e["achieved_on"]}
                                  for e in archive if e["entry_id"] in chosen and e["status"] == "approved"]
    await api.call("PUT", "intake", "/drafts/mine", json={"step": step.number, "fields": fields})
    if step.kind == "confirm":
        return await _submit(request, session, api, fields)
    # Saved; now what intake's door says of this step's answers, shown on the step itself.
    checks = filing.checks_of_step(PLAN, await _door_checks(api, fields), step.number)
    if checks:
        return await _step_page(request, session, api, step.number, saved=True, checks=checks)
    return RedirectResponse(f"/applicant/filing/{step.number + 1}?saved={step.number}", status_code=303)


@router.post("/resubmit/{application_id}")
async def start_correction(request: Request, application_id: uuid.UUID):
    """After a return: a draft from the application as filed, to correct and resubmit."""
    session, api = signed_in(request, Role.APPLICANT)
    await checked_form(request, session)
    filed = await api.get("intake", f"/applications/{application_id}")
    latest = filed["events"][-1]["payload"].get("application") or {}
    fields = {**filing.fields_from_application(PLAN, latest), "application_id": str(application_id),
              "resubmission": True, "revision": int(latest.get("revision") or 1)}
    await api.call("PUT", "intake", "/drafts/mine", json={"step": 1, "fields": fields})
    return RedirectResponse("/applicant/filing/1", status_code=303)


async def _submit(request: Request, session, api, fields: dict):
    documents = (await api.get("intake", "/documents"))["documents"]
    application_id = fields.get("application_id") or str(uuid.uuid4())
    body = filing.submit_body(PLAN, fields, documents, application_id, clock.now().isoformat())
    try:
        if fields.get("resubmission"):  # the correction of a returned application, same id
            body.pop("application_id")
            await api.post("intake", f"/applications/{application_id}/resubmissions", body,
                           key=f"web-resubmit-{application_id}-{fields.get('revision', 1)}")
        else:
            await api.post("intake", "/applications", body, key=f"web-file-{application_id}")
    except ApiRefused as refused:
        # The door's checks, inline on the last step; the draft keeps everything typed.
        return await _step_page(request, session, api, len(filing.steps(PLAN)), refusal=refused.body,
                                status=refused.status)
    await api.call("DELETE", "intake", "/drafts/mine")
    return RedirectResponse("/applicant?filed=1", status_code=303)


@router.post("/documents")
async def upload(request: Request):
    """One file to intake's upload door; its type and size are intake's to judge."""
    session, api = signed_in(request, Role.APPLICANT)
    form = await checked_form(request, session, max_part_size=DOCUMENT_MAX_BYTES + 1)
    upload_ = form.get("file")
    kind, year = str(form.get("kind", "")), str(form.get("year", "") or "")
    refusal, status = None, 200
    if upload_ is None or isinstance(upload_, str):
        refusal, status = {"code": "NO_FILE", "message_zh": "请选择要上传的文件", "message_en": "choose a file to upload"}, 422
    else:
        data = await upload_.read()
        params = {"kind": kind, **({"year": year} if year else {})}
        try:
            await api.call("POST", "intake", "/documents", params=params, content=data,
                           headers={"Content-Type": "application/octet-stream"})
        except ApiRefused as refused:
            refusal, status = refused.body, refused.status
    if refusal is None:
        return RedirectResponse("/applicant/filing/5", status_code=303)
    return await _step_page(request, session, api, 5, refusal=refusal, status=status)
