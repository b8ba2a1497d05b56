"""An application's state at a past moment, folded from its history up to that moment with the
services' own code: intake's `filing.evolve`, review's `transitions.evolve_stream`, the plan whose
id and version the assessment recorded, and `contracts.deadlines` for who may act until when.

"At a moment" is season time (the events' `occurred_at`, the clock the season ran on); the recorded
(real) time of the last event folded is shown beside it. Events are decoded through the registry,
so old versions are upcast exactly as the services read them.
"""
from __future__ import annotations

from datetime import datetime

from contracts.deadlines import level_deadline
from contracts.envelope import Envelope
from contracts.plan import Plan, PlanRegistry, UnknownPlan, plan_registry
from contracts.registry import decode
from services.intake.domain import filing
from services.review.domain.case import Case, Stage
from services.review.domain.transitions import evolve_stream
from services.intake.domain.streams import APPLICATION
from services.review.domain.streams import CASE

DECISIONS_SKIPPED = {"CaseOpened", "CaseMovedTo"}  # what opened or moved the case, not a decision


class PlanNotFound(LookupError):
    pass


def plan_for(plan_id: str, version: str, plans: PlanRegistry | None = None) -> Plan:
    """The plan the application was assessed under: the same id and version, never "the current one",
    looked up in the services' own registry (the shipped plans, contracts/plan.py)."""
    try:
        return (plans or plan_registry()).get(plan_id, version)
    except UnknownPlan:
        raise PlanNotFound(f"plan {plan_id} version {version} is not among the shipped plans") from None


def _until(parts: list[dict], at: datetime) -> list[Envelope]:
    envelopes = [Envelope.model_validate(e) for part in parts for e in part.get("events", [])]
    return sorted((e for e in envelopes if e.occurred_at <= at), key=lambda e: (e.occurred_at, e.recorded_at))


def _fold(envelopes: list[Envelope], prefix: str, evolve):
    state = None
    for e in envelopes:
        if e.stream_id.startswith(prefix):
            state = evolve(state, decode(e))
    return state


def _deadline(case: Case | None, plan: Plan | None) -> dict | None:
    if case is None or plan is None or not isinstance(case, Case):
        return None
    level = case.last_return.level if case.stage == Stage.RETURNED and case.last_return else case.level
    if level is None:
        return None
    return {"level": str(level), "acts_until": level_deadline(plan, level, case.summary.unit_area).isoformat()}


def state_at(parts: list[dict], at: datetime, plans: PlanRegistry | None = None) -> dict:
    """What was true at `at` (aware datetime, season time)."""
    envelopes = _until(parts, at)
    filed = _fold(envelopes, APPLICATION, filing.evolve)
    case = _fold(envelopes, CASE, evolve_stream)
    assessed = [decode(e) for e in envelopes if e.event_type == "EligibilityAssessed"]
    plan = plan_for(assessed[-1].plan_id, assessed[-1].plan_version, plans) if assessed else None
    decisions = [e for e in envelopes if e.stream_id.startswith(CASE) and e.event_type not in DECISIONS_SKIPPED]
    sent = [e for e in envelopes if e.event_type in ("NotificationSent", "NotificationFailed")]
    last = envelopes[-1] if envelopes else None
    return {
        "at": at.isoformat(),
        "events_folded": len(envelopes),
        "last_event": {"what": last.event_type, "season_at": last.occurred_at.isoformat(),
                       "recorded_at": last.recorded_at.isoformat()} if last else None,
        "filing": {"revision": filed.revision, "withdrawn": filed.withdrawn} if filed else None,
        "eligibility": {"outcome": str(assessed[-1].outcome), "revision": assessed[-1].revision} if assessed else None,
        "plan": {"plan_id": plan.plan_id, "version": plan.version} if plan else None,
        "stage": str(case.stage) if isinstance(case, Case) else None,
        "last_decision": {"what": decisions[-1].event_type, "season_at": decisions[-1].occurred_at.isoformat(),
                          "by": decisions[-1].actor.model_dump(mode="json"),
                          "reason": decisions[-1].payload.get("reason") or decisions[-1].payload.get("opinion") or ""}
        if decisions else None,
        "deadline_running": _deadline(case, plan),
        "sms": [{"what": e.event_type, "template": e.payload.get("template"), "to": e.payload.get("recipient_masked"),
                 "season_at": e.occurred_at.isoformat()} for e in sent],
    }
