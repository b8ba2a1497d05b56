"""The deadline sweep, a periodic job: every open case whose stage deadline has passed is closed
(逾期未审核).

Candidates come from the case index (the case_view read model): open cases whose level's deadline
(by area) has passed, and returned cases (their deadline depends on who returned them); each is
loaded from its own stream and decided by the pure `CloseOverdue`, so a case the read model shows
late but that moved meanwhile is left alone (NOT_OVERDUE / NOT_WAITING), and a reviewer acting at
the same moment makes one of the two appends lose on the stream version (the sweep tries again
next round). Each case is saved in its own unit of work: one failure does not hold back the others.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime

from contracts.deadlines import level_deadline
from contracts.envelope import SYSTEM_ACTOR
from contracts.errors import Refused
from contracts.events import ReviewLevel
from contracts.plan import Plan, PlanRegistry
from plumbing.core.unit_of_work import UnitOfWork
from plumbing.logging import get_logger
from services.review.domain.commands import CloseOverdue
from services.review.domain.guards import local_date
from services.review.usecases.cases import case_stream, decided, load_case, plan_of
from services.review.usecases.ports import ReviewPorts

log = get_logger(__name__)
Units = Callable[[], UnitOfWork[ReviewPorts]]


async def sweep_overdue(uow: Units, plans: PlanRegistry, now: datetime) -> list[uuid.UUID]:
    """Close every overdue case; returns the ids closed in this round. The index does not know each
    case's plan: a case in time under every plan is not loaded; any other is loaded and decided
    with its own plan (the one its application recorded)."""
    async with uow() as u:
        candidates = await u.ports.cases.open_cases()
    closed = []
    for case in candidates:
        if case.level is not None and all(local_date(now, plan) <= _deadline(plan, case.level, case.area)
                                          for plan in plans):
            continue  # in time: not worth loading
        if await _close_if_overdue(uow, plans, case.application_id, now):
            closed.append(case.application_id)
    if closed:
        log.info("review.swept", closed=len(closed))
    return closed


def _deadline(plan: Plan, level: str, area: str) -> date:
    try:
        return level_deadline(plan, ReviewLevel(level), area)
    except KeyError:  # an area the plan does not know: load the case and let its own decision say so
        return date.min


async def _close_if_overdue(uow: Units, plans: PlanRegistry, application_id: uuid.UUID, now: datetime) -> bool:
    try:
        async with uow() as u:
            case, version = await load_case(u, application_id)
            command = CloseOverdue(actor=SYSTEM_ACTOR, application_id=application_id)
            plan = plan_of(case, plans) if case is not None else None
            await u.save(case_stream(application_id), decided(case, command, plan, now), key=str(application_id),
                         expected_version=version, actor=SYSTEM_ACTOR, occurred_at=now)
    except Refused as refused:  # not overdue, already ended, or a reviewer got there first
        if refused.code not in ("NOT_OVERDUE", "NOT_WAITING"):
            log.info("review.sweep_skipped", application_id=str(application_id), code=refused.code)
        return False
    return True
