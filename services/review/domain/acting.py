"""Who must act next on a case, said in review's own events so that no other service has to
re-derive the review chain: CaseOpened carries it, and CaseMovedTo follows every decision that
hands the case to another reviewer, or to none (returned, closed, forwarded)."""
from __future__ import annotations

from contracts.events import Acting, CaseMovedTo, CaseOpened, Payload, ReviewLevel
from contracts.plan import Plan
from contracts.review_chain import review_chain, step_at, unit_org
from services.review.domain.case import CLOSED, Case, Stage
from services.review.domain.transitions import fold

_NOBODY = CLOSED | {Stage.RETURNED, Stage.FORWARDED}


def first_acting(summary) -> Acting:
    return Acting(level=ReviewLevel.UNIT, org_id=unit_org(summary))


def acting(case: Case | None, plan: Plan) -> Acting | None:
    if case is None or case.stage in _NOBODY:
        return None
    try:
        return Acting(level=case.level, org_id=step_at(review_chain(plan, case.summary), case.level).org_id)
    except KeyError:  # an area the plan does not know has nobody to remind
        return None


def with_next_actor(case: Case | None, decided: list[Payload], plan: Plan) -> list[Payload]:
    """`decided`, followed by CaseMovedTo when it changes who must act (CaseOpened says it itself)."""
    if not decided or any(isinstance(p, CaseOpened) for p in decided):
        return decided
    after = fold(decided, case)
    if after is None or acting(after, plan) == acting(case, plan):
        return decided
    return [*decided, CaseMovedTo(application_id=after.application_id, acting=acting(after, plan))]
