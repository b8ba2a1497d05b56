"""Who may do what, and to whose cases (the issue's "who may do what").

Two questions, both answered by tables rather than branches:
1. may this role ever take this action (`PERMISSIONS`)?
2. is the target inside this principal's scope (`_IN_SCOPE`)? An applicant: their own person_ref;
   a unit: cases whose unit-level organisation is theirs; a construction authority or HR bureau:
   its area; the city HR bureau, the auditor and the system: the whole city.
Whether it is the principal's *turn* (the level the case is at) is `decide`'s question, because it
depends on the stage: a turn refused there is a 409, not a 403.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from contracts.envelope import Actor, Role
from contracts.errors import Forbidden
from services.review.domain.case import Case, Scope

A, U, CA, HR, CITY, AUD, SYS = (Role.APPLICANT, Role.UNIT, Role.CONSTRUCTION_AUTHORITY, Role.HR_BUREAU,
                                Role.CITY_HR_BUREAU, Role.AUDITOR, Role.SYSTEM)
# The city HR bureau appears among the department roles because for city-level (市直) units it is
# also the HR-bureau level, and it may reject or return at its own aggregation level.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "read": frozenset({A, U, CA, HR, CITY, AUD, SYS}),
    "read_history": frozenset({U, CA, HR, CITY, AUD}),
    "open_case": frozenset({SYS}),
    "close_withdrawn": frozenset({SYS}),
    "add_archive_entry": frozenset({A}),
    "approve_archive_entry": frozenset({U}),
    "reject_archive_entry": frozenset({U}),
    "unit_pass": frozenset({U}),
    "unit_not_pass": frozenset({U}),
    "start_notice": frozenset({U}),
    "record_objection": frozenset({U}),
    "resolve_objection": frozenset({U}),
    "close_overdue": frozenset({SYS}),
    "complete_notice": frozenset({U}),
    "return": frozenset({U, CA, HR, CITY}),
    "set_fee_option": frozenset({CA, HR, CITY}),
    "department_pass": frozenset({CA, HR, CITY}),
    "department_not_pass": frozenset({CA, HR, CITY}),
    "schedule_interview": frozenset({HR, CITY}),
    "record_interview": frozenset({HR, CITY}),
    "recommend": frozenset({HR, CITY}),
    "forward": frozenset({CITY}),
    "request_fee": frozenset({CITY}),
    "record_fee_payment": frozenset({CITY, SYS}),
    "export_notice_table": frozenset({U, AUD}),
    "export_roster": frozenset({CA, HR, CITY, AUD}),
    "read_dashboard": frozenset({CITY, AUD}),
    # The same decision on many cases: each item is then authorised for its own decision and case.
    "decide_batch": frozenset({U, CA, HR, CITY}),
    "authorize_unit": frozenset({CITY}),
    "erase_staff": frozenset({CITY}),
}
READ_ONLY_ACTIONS = frozenset({"read", "read_history", "export_notice_table", "export_roster", "read_dashboard"})

_IN_SCOPE: dict[Role, Callable[["Principal", Scope], bool]] = {
    A: lambda p, s: bool(s.person_ref) and s.person_ref == p.person_ref,
    U: lambda p, s: bool(s.unit_org) and s.unit_org == p.org,
    CA: lambda p, s: bool(s.area) and s.area == p.area,
    HR: lambda p, s: bool(s.area) and s.area == p.area,
    CITY: lambda p, s: True,
    AUD: lambda p, s: True,
    SYS: lambda p, s: True,
}


@dataclass(frozen=True)
class Principal:
    """Who is asking, from a verified token (role, organisation, area)."""

    role: Role
    org: str = ""
    area: str = ""
    user: str = ""
    person_ref: str = ""  # applicants only

    def actor(self) -> Actor:
        return Actor(role=self.role, organisation=self.org, user=self.user)


def authorize(principal: Principal, action: str, target: Case | Scope | None = None) -> None:
    """Raise Forbidden unless `principal` may take `action` on `target`.

    `target` is a case, a Scope (an archive entry, a receiving unit's roster: Scope(area=...)), or
    None for the whole city (e.g. the merged roster)."""
    allowed = PERMISSIONS.get(action)
    if allowed is None:
        raise ValueError(f"unknown action {action!r}")
    if principal.role not in allowed:
        raise Forbidden(f"“{principal.role.value}”角色无权执行“{action}”",
                        f"role {principal.role.value} may not {action}", code="ROLE_NOT_ALLOWED",
                        details={"role": principal.role.value, "action": action})
    scope = target.scope if isinstance(target, Case) else (target or Scope())
    if not _IN_SCOPE[principal.role](principal, scope):
        raise Forbidden("无权访问该申报：不在您的管辖范围内", "this case is outside your organisation's scope",
                        code="OUT_OF_SCOPE", details={"role": principal.role.value, "action": action})
