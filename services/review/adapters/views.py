"""JSON views of domain objects for the HTTP layer."""
from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum

from contracts.plan import Plan
from services.review.domain.case import Case
from services.review.domain.roster import deliver_to, form_copies


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if is_dataclass(value):
        return _plain(asdict(value))
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


# What only the reviewers may read: the text of an objection (a third party's words, 公示 异议) and,
# in `decisions_seen_by_anyone`, who decided (the reviewer's user name).
_OBJECTION_TEXTS = {"ObjectionRecorded": ("summary",)}


def case_json(case: Case, plan: Plan | None = None, *, objection_texts: bool = True) -> dict:
    data = {k: _plain(getattr(case, k)) for k in case.__dataclass_fields__ if k != "history"}
    if not objection_texts:
        data["objections"] = len(case.objections)  # how many were recorded, not what they say
    data["level"] = _plain(case.level)
    data["route"] = _plain(case.route)  # the route that counts
    if plan is not None:  # what the applicant brings on paper (附件3 一.2, 附件4)
        data["paper"] = {"evaluation_form_copies": form_copies(case), "deliver_to": deliver_to(case, plan)}
    return data


def decisions_seen_by_anyone(history) -> list[dict]:
    """The case's stored events as any reader of the case may see them (the applicant included):
    each decision, its level and organisation, its reasons and what to fix; never the reviewer's
    user name, never an objection's text."""
    seen = []
    for envelope in history:
        payload = {k: v for k, v in envelope.payload.items() if k not in _OBJECTION_TEXTS.get(envelope.event_type, ())}
        seen.append({"event_type": envelope.event_type, "occurred_at": envelope.occurred_at.isoformat(),
                     "by": {"role": _plain(envelope.actor.role), "organisation": envelope.actor.organisation},
                     "payload": payload})
    return seen
