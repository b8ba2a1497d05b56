"""Batch decisions: one request, many cases, each succeeding or failing on its own.

Every item is authorized and decided independently against the state the caller loaded; a second
command for the same case in one batch is refused, because it was decided against a state the
first one already changed.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from contracts.envelope import Role
from contracts.errors import Conflict, Refused
from contracts.events import Payload, ReturnedSection
from contracts.plan import Plan
from services.review.domain.authorization import Principal, authorize
from services.review.domain.case import Case
from services.review.domain.commands import Command, DepartmentPass, ReturnForRevision, UnitPass
from services.review.domain.decide import decide


@dataclass(frozen=True)
class ItemResult:
    application_id: uuid.UUID
    events: tuple[Payload, ...] = ()
    error: Refused | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def decide_each(principal: Principal, items: Sequence[tuple[Case | None, Command]], *,
                now: datetime, plan: Plan) -> list[ItemResult]:
    results, seen = [], set()
    for case, command in items:
        try:
            if command.application_id in seen:
                raise Conflict("同一批次中重复的申报", "the same case appears twice in this batch",
                               code="DUPLICATE_IN_BATCH")
            seen.add(command.application_id)
            authorize(principal, command.action, case)
            events = decide(case, command, now=now, plan=plan)
            results.append(ItemResult(command.application_id, tuple(events)))
        except Refused as refusal:
            results.append(ItemResult(command.application_id, error=refusal))
    return results


def pass_all(principal: Principal, cases: Sequence[Case], opinion: str, *, now: datetime,
             plan: Plan) -> list[ItemResult]:
    """批量审查通过: a unit's pass for a unit principal, a department's pass otherwise."""
    kind = UnitPass if principal.role == Role.UNIT else DepartmentPass
    return decide_each(principal, [(c, kind(principal.actor(), c.application_id, opinion)) for c in cases],
                       now=now, plan=plan)


def return_all(principal: Principal, cases: Sequence[Case], reason: str,
               sections: Sequence[ReturnedSection], *, now: datetime, plan: Plan) -> list[ItemResult]:
    """批量退回修改 with the same reason and sections for every case."""
    commands = [(c, ReturnForRevision(principal.actor(), c.application_id, reason, tuple(sections)))
                for c in cases]
    return decide_each(principal, commands, now=now, plan=plan)
