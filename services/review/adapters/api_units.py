"""Unit registration: the city HR bureau approves a unit's authorization proof (授权委托证明)."""
from __future__ import annotations

from typing import Annotated

from urllib.parse import quote

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from contracts.envelope import Role

from plumbing import clock
from plumbing.core.application import receipt
from plumbing.edges.inputs import STRICT, Code, Phone, Text
from plumbing.logging import get_logger
from plumbing.edges.security import caller
from plumbing.edges.openapi import contract
from services.review.adapters.answers import UnitAuthorized
from services.review.adapters.principal import principal_of
from services.review.domain.unit_authorization import AuthorizeUnit
from services.review.usecases.units import authorize_unit

log = get_logger(__name__)
router = APIRouter(tags=["units"])


class Authorization(BaseModel):
    model_config = STRICT

    unit_name: Text = Field(min_length=1, max_length=200)
    operator_name: Text = Field(min_length=1, max_length=100)
    operator_phone: Phone


@router.post("/units/{unit_id}/authorization",
             summary="City HR bureau approves a unit's authorization; its operator gets a 12333 SMS",
             dependencies=[caller(Role.CITY_HR_BUREAU)],
             **contract("authorizeUnit", UnitAuthorized, status=201, fails=(409,),
                        headers={"Location": "the unit's authorization stream (auditors read it at this address)"}))
async def approve_authorization(request: Request, response: Response, unit_id: Annotated[Code, Path(min_length=1)],
                                body: Authorization) -> dict:
    principal = principal_of(request)
    state = request.app.state
    command = AuthorizeUnit(principal.actor(), unit_id, body.unit_name, body.operator_name, body.operator_phone,
                            state.settings.person_ref_secret)
    events = receipt(await authorize_unit(state.recorder, state.runtime.pool, command, now=clock.now()))
    log.info("review.unit_authorized", unit_id=unit_id, org=principal.org)
    response.headers["Location"] = f"/audit/streams/unit-{quote(unit_id, safe='')}"
    return {"unit_id": unit_id, "events": events}
