"""Erasure of a person's personal data (`zc person erase`), by an operator with their own token."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from contracts.envelope import Actor, Role
from contracts.events import ACCOUNT_ID_PATTERN, Requester
from plumbing import clock
from plumbing.core.idempotency import request_fingerprint, run_in, scoped
from plumbing.edges.inputs import STRICT
from plumbing.edges.security import Caller, caller
from plumbing.edges.openapi import contract
from services.intake.adapters.answers import Erased
from plumbing.edges.json_body import StrictJsonRoute
from services.intake.usecases import erasure

router = APIRouter(tags=["personal data"], route_class=StrictJsonRoute)
# The city HR bureau runs the season and answers for its personal data (the controller).
Operator = Annotated[Caller, caller(Role.CITY_HR_BUREAU)]
PersonRef = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="the person's person_ref (keyed hash)")]


class RequestedBy(BaseModel):
    """On whose request: the account's role and the opaque id its issuer gave it, never a name (it is
    kept for ever in PersonErased)."""

    model_config = STRICT

    role: Role = Field(description="the requester's role (an applicant asking for their own erasure: applicant)")
    uid: str = Field(pattern=ACCOUNT_ID_PATTERN, description="the requester's account id (their token's uid)")


class ErasureRequest(BaseModel):
    model_config = STRICT

    requested_by: RequestedBy


@router.post("/persons/{person_ref}/erasure", summary="Erase a person's personal data (删除个人信息)",
             **contract("erasePerson", Erased, fails=(404,)))
async def erase(request: Request, person_ref: PersonRef, body: ErasureRequest, who: Operator) -> JSONResponse:
    state = request.app.state
    actor = Actor(role=who.role, organisation=who.org, user=who.uid)

    async def action(uow):
        requester = Requester(role=body.requested_by.role.value, uid=body.requested_by.uid)
        return 200, await erasure.erase(uow, person_ref, actor, requester, clock.now())

    status, answer = await run_in(state.runtime.unit_of_work(), scoped(None, who.key),
                                    request_fingerprint("erase", person_ref, body.requested_by.role.value, body.requested_by.uid), action)
    return JSONResponse(answer, status_code=status)
