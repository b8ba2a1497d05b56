"""`POST /assessments/preview`: eligibility's rules explained on a filing not filed yet (the web's
form runs it at every step beside intake's door checks). The same pure `assess` a filing gets, on the
body the applicant would file (their name, ID number and photo are not read); nothing is stored, no
event, no message. An applicant only: it says nothing of anyone else."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, ValidationError

from contracts.application import Application
from contracts.envelope import Role
from plumbing import clock
from plumbing.edges.answers import examples
from plumbing.edges.inputs import FreeForm
from plumbing.edges.json_body import StrictJsonRoute
from plumbing.edges.openapi import contract
from plumbing.edges.security import Caller, caller
from services.eligibility.domain.assess import assess

router = APIRouter(tags=["eligibility"], route_class=StrictJsonRoute)
NOT_READ = {"applicant", "application_id", "photo_ref", "photo_base64", "plan_id", "revision", "submitted_at", "photo"}


class Explanation(BaseModel):
    code: str
    passed: bool
    message_zh: str
    message_en: str


class Preview(BaseModel):
    """Each rule's result and words, as an assessment would give them; `complete` is false (and the
    lists empty) while the filing is not yet whole enough to assess."""

    model_config = examples({"complete": True, "outcome": "ineligible", "rules": [
        {"code": "CE_HOURS", "passed": False, "message_zh": "2019年度继续教育专业科目50学时，少于60学时",
         "message_en": "2019 professional hours: 50, below 60"}], "routes": []})

    complete: bool
    outcome: str | None = None
    rules: list[Explanation]
    routes: list[Explanation]


@router.post("/assessments/preview", summary="The rules explained on a filing not filed yet (nothing stored)",
             **contract("previewAssessment", Preview))
async def preview(request: Request, who: Annotated[Caller, caller(Role.APPLICANT)],
                  body: Annotated[dict[str, FreeForm], Body(max_length=60)]) -> dict:
    plan = request.app.state.plan
    draft = {k: v for k, v in body.items() if k not in NOT_READ}
    try:
        application = Application.model_validate({
            **draft, "application_id": uuid.uuid4(), "plan_id": plan.plan_id, "revision": 1,
            "submitted_at": clock.now(), "applicant": {"person_ref": who.person_ref or "preview"}})
    except ValidationError:
        return {"complete": False, "outcome": None, "rules": [], "routes": []}
    assessed = assess(application, plan)
    return {"complete": True, "outcome": assessed.outcome.value,
            "rules": [{"code": r.code, "passed": r.passed, "message_zh": r.message_zh,
                       "message_en": r.message_en} for r in assessed.rules],
            "routes": [{"code": f"ROUTE_{r.route.value.upper()}", "passed": r.qualifies, "message_zh": r.message_zh,
                        "message_en": r.message_en} for r in assessed.routes]}

