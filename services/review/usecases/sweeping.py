"""The deadline sweep: every open case whose stage deadline has passed is closed (逾期未审核).

Candidates come from the case_view read model: open cases whose level's deadline (by area) has
passed, and returned cases (their deadline depends on who returned them); each is loaded from its own
stream and decided by the pure `CloseOverdue`, so a case the read model shows late but that moved
meanwhile is left alone (NOT_OVERDUE / NOT_WAITING), and a reviewer acting at the same moment
makes one of the two appends lose on the stream version (the sweep tries again next round).
Each case is saved in its own transaction: one failure does not hold back the others.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from contracts.deadlines import level_deadline
from contracts.envelope import SYSTEM_ACTOR
from contracts.events import ReviewLevel
from contracts.errors import Refused
from contracts.plan import Plan
from plumbing.core.application import Recorder
from plumbing.logging import get_logger
from services.review.domain.case import CLOSED, Stage
from services.review.domain.commands import CloseOverdue
from services.review.domain.guards import local_date
from services.review.usecases.cases import case_stream, decided, load_case

log = get_logger(__name__)
_ENDED = sorted(s.value for s in CLOSED | {Stage.FORWARDED})


async def sweep_overdue(recorder: Recorder, plan: Plan, pool, now: datetime) -> list[uuid.UUID]:
    """Close every overdue case; returns the ids closed in this round."""
    rows = await pool.fetch("SELECT application_id, level, area FROM case_view WHERE NOT (stage = ANY($1::text[]))"
                            " ORDER BY application_id", _ENDED)
    today = local_date(now, plan)
    closed = []
    for row in rows:
        if row["level"] is not None and today <= _deadline(plan, row["level"], row["area"]):
            continue  # in time: not worth loading
        if await _close_if_overdue(recorder, plan, pool, row["application_id"], now):
            closed.append(row["application_id"])
    if closed:
        log.info("review.swept", closed=len(closed))
    return closed


def _deadline(plan: Plan, level: str, area: str) -> date:
    try:
        return level_deadline(plan, ReviewLevel(level), area)
    except KeyError:  # an area the plan does not know: load the case and let its own decision say so
        return date.min


async def _close_if_overdue(recorder: Recorder, plan: Plan, pool, application_id: uuid.UUID, now: datetime) -> bool:
    async with pool.acquire() as conn, conn.transaction():
        try:
            case, version = await load_case(recorder, application_id, conn)
            command = CloseOverdue(actor=SYSTEM_ACTOR, application_id=application_id)
            payloads = decided(case, command, plan, now)
            await recorder.save(case_stream(application_id), payloads, key=str(application_id),
                                expected_version=version, actor=SYSTEM_ACTOR, conn=conn, occurred_at=now)
        except Refused as refused:  # not overdue, already ended, or a reviewer got there first
            if refused.code not in ("NOT_OVERDUE", "NOT_WAITING"):
                log.info("review.sweep_skipped", application_id=str(application_id), code=refused.code)
            return False
    return True
