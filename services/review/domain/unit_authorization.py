"""A unit's 授权委托证明 approved (SPEC 1, 附件2 一.1): its operator may then act, and is told by
12333 SMS. Only the city HR bureau approves it here; the phone must reach a mobile, because the
SMS is how the operator learns of it.

The operator is a person: the event names them by `operator_ref` only (a keyed hash of the unit,
their name and their mobile), and their contact becomes a PersonalRecord that the use case queues
for the compacted personal-data topic (ARCHITECTURE.md "Personal data")."""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from contracts.envelope import Actor, Role
from contracts.errors import Conflict, Forbidden, InvalidInput
from contracts.events import Payload, UnitAuthorized
from contracts.personal_data import mainland_mobile
from contracts.personal_record import PersonalRecord
from services.review.domain.guards import require_text
from services.review.domain import streams

_UNIT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class AuthorizeUnit:
    actor: Actor
    unit_id: str
    unit_name: str
    operator_name: str
    operator_phone: str
    ref_secret: str  # review's own operator_ref key (ZC_OPERATOR_REF_SECRET): operator_ref is not guessable


def operator_ref(unit_id: str, name: str, mobile: str, secret: str) -> str:
    """One reference per (unit, operator): a new operator is a new person with a new record."""
    message = f"unit-operator|{unit_id}|{name}|{mobile}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def operator_record(cmd: AuthorizeUnit) -> PersonalRecord:
    """The operator's contact (validated): what travels on the personal-data topic, never in an event."""
    name = require_text(cmd.operator_name, "operator_name", "经办人姓名")
    mobile = mainland_mobile(cmd.operator_phone)
    if not mobile:
        raise InvalidInput("经办人手机号码格式不正确（用于接收12333短信）", "operator_phone must be a mainland "
                           "mobile number (it receives the 12333 SMS)", code="PHONE_INVALID",
                           details={"field": "operator_phone"})
    return PersonalRecord(person_ref=operator_ref(cmd.unit_id, name, mobile, cmd.ref_secret), name=name, phone=mobile)


def decide_authorization(current: UnitAuthorized | None, cmd: AuthorizeUnit) -> list[Payload]:
    """`current` is the unit's latest authorization, if any. A new operator replaces the old one;
    the same authorization twice is refused (409), so a retried request sends no second SMS."""
    if cmd.actor.role is not Role.CITY_HR_BUREAU:
        raise Forbidden(f"“{cmd.actor.role.value}”角色无权审核单位授权", f"role {cmd.actor.role.value} may not "
                        "approve a unit's authorization", code="ROLE_NOT_ALLOWED",
                        details={"role": cmd.actor.role.value, "action": "authorize_unit"})
    if not _UNIT_ID.match(cmd.unit_id or ""):
        raise InvalidInput("单位编号格式不正确", "unit_id is malformed", code="UNIT_ID_INVALID")
    unit_name = require_text(cmd.unit_name, "unit_name", "单位名称")
    event = UnitAuthorized(unit_id=cmd.unit_id, unit_name=unit_name, operator_ref=operator_record(cmd).person_ref)
    if current == event:
        raise Conflict("该单位的授权已审核通过", "this unit's authorization was already approved",
                       code="ALREADY_AUTHORIZED")
    return [event]


def superseded_operator(current: UnitAuthorized | None, new: UnitAuthorized) -> str | None:
    """The previous operator whose contact a new authorization replaces (their record is erased)."""
    if current is not None and current.operator_ref and current.operator_ref != new.operator_ref:
        return current.operator_ref
    return None


def evolve_authorization(current: UnitAuthorized | None, event: Payload) -> UnitAuthorized | None:
    """A unit's stream folds to its latest authorization."""
    return event if isinstance(event, UnitAuthorized) else current


unit_stream = streams.unit_stream  # defined once, in domain/streams.py
