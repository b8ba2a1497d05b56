"""Erasure of a person's personal data (`zc person erase`), by an operator with their own token; and
the one door through which another process learns a person's `person_ref`: the token service, at
sign-in, for the applicant it issues a token to (intake alone holds the person_ref key)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from contracts.envelope import Actor, Role
from contracts.events import ACCOUNT_ID_PATTERN, Requester
from plumbing import clock
from plumbing.core.idempotency import request_fingerprint, run_in, scoped
from contracts.errors import InvalidInput
from plumbing.edges.inputs import STRICT, IdNumber
from plumbing.edges.security import Caller, caller, service_caller
from plumbing.edges.openapi import contract
from services.intake.adapters.answers import Erased, PersonRefOf
from services.intake.domain import validation
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


class PersonRefRequest(BaseModel):
    model_config = STRICT

    id_number: IdNumber = Field(max_length=30, description="the resident ID number the account was opened with")


@router.post("/persons/refs", summary="An applicant's person_ref from their ID number (the token service only)",
             **contract("personRefOf", PersonRefOf))
async def person_ref_of(request: Request, body: PersonRefRequest,
                        _who: Annotated[Caller, service_caller("tokens")]) -> dict:
    """Only the token service's own service token is admitted (every person's role is refused 403),
    so this is no oracle for guessed ID numbers; the same keyed hash a filing is checked against."""
    today = clock.now().date()
    if problems := validation.id_number_problems(body.id_number, today, field="id_number"):
        raise InvalidInput("身份证号码不正确", "the ID number is not valid", details=[p.as_dict() for p in problems])
    number = validation.compact_id(body.id_number)
    return {"person_ref": validation.person_ref(number, request.app.state.settings.person_ref_secret)}
