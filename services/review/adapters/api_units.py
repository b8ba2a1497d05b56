"""Unit registration: the city HR bureau approves a unit's authorization proof (授权委托证明)."""
from __future__ import annotations

from typing import Annotated

from urllib.parse import quote

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from plumbing import clock
from plumbing.core.application import receipt
from plumbing.core.idempotency import request_fingerprint, run_in, scoped
from plumbing.edges.inputs import STRICT, Code, Phone, Text
from plumbing.logging import get_logger
from plumbing.edges.json_body import StrictJsonRoute
from plumbing.edges.openapi import contract
from services.review.adapters.answers import UnitAuthorized
from services.review.adapters.principal import guarded, principal_of, principal_of_caller
from services.review.domain.unit_authorization import AuthorizeUnit
from services.review.usecases.units import authorize_unit
from services.review.domain.streams import unit_stream

log = get_logger(__name__)
router = APIRouter(tags=["units"], route_class=StrictJsonRoute)
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


class Authorization(BaseModel):
    model_config = STRICT

    unit_name: Text = Field(min_length=1, max_length=200)
    operator_name: Text = Field(min_length=1, max_length=100)
    operator_phone: Phone


@router.post("/units/{unit_id}/authorization",
             summary="City HR bureau approves a unit's authorization; its operator gets a 12333 SMS",
             **guarded("authorize_unit"),
             **contract("authorizeUnit", UnitAuthorized, status=201, fails=(409,),
                        headers={"Location": "the unit's authorization stream (auditors read it at this address)"}))
async def approve_authorization(request: Request, unit_id: Annotated[Code, Path(min_length=1)],
                                body: Authorization, key: IdemKey = None) -> JSONResponse:
    """With an Idempotency-Key, a retry gets the first answer (201) and records nothing twice."""
    principal = principal_of(request)
    state = request.app.state
    command = AuthorizeUnit(principal.actor(), unit_id, body.unit_name, body.operator_name, body.operator_phone,
                            state.settings.operator_ref_secret)

    async def action(uow):
        events = receipt(await authorize_unit(uow, command, now=clock.now()))
        return 201, {"unit_id": unit_id, "events": events}

    fingerprint = request_fingerprint("review.units.authorize", unit_id, body.model_dump(mode="json"))
    status, answer = await run_in(state.runtime.unit_of_work(), scoped(key, principal_of_caller(request)),
                                  fingerprint, action)
    log.info("review.unit_authorized", unit_id=unit_id, org=principal.org)
    return JSONResponse(answer, status_code=status,
                        headers={"Location": f"/audit/streams/{unit_stream(quote(unit_id, safe=''))}"} if status == 201 else None)
