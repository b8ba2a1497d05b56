"""A unit acts only after its 授权委托证明 was approved (UnitAuthorized, 附件2 一.1): an application
naming a unit that was never authorised reaches nobody who could review it, so intake refuses it.

A private firm filing through the talent exchange centre (附件2 二(三)) has no unit account of its
own: the centre acts at the unit level, so no unit authorisation is asked for."""
from __future__ import annotations

from contracts.application import Application, UnitKind
from contracts.errors import Conflict


def needs_authorised_unit(application: Application) -> bool:
    u = application.unit
    return not (u.kind == UnitKind.PRIVATE_ENTERPRISE and u.personnel_files_at_talent_center)


def require_authorised_unit(application: Application, authorised: bool) -> None:
    if needs_authorised_unit(application) and not authorised:
        u = application.unit
        raise Conflict(f"单位“{u.name}”尚未在平台提交授权委托证明并通过审核，暂不能以该单位申报",
                       f"unit {u.unit_id} has no approved authorization (授权委托证明) yet; it cannot receive filings",
                       code="UNIT_NOT_AUTHORIZED", details={"unit_id": u.unit_id})
