"""One application's story from the services' parts (`GET /audit/applications/{id}` of each).

`merge` is pure: an event comes after the event that caused it (its causation id, or the event an
SMS was planned for), otherwise in recorded time (the real clock; season time is shown beside it),
so a consumer's reaction recorded a moment "before" its cause by a skewed clock still reads after
it. Each SMS planned by notify is a row of its own with its delivery state.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field

SERVICES = ("intake", "eligibility", "review", "notify")


@dataclass(order=True)
class Row:
    recorded_at: str
    service_rank: int
    version: int
    id: str = field(compare=False)
    causes: tuple[str, ...] = field(compare=False)
    service: str = field(compare=False)
    season_at: str = field(compare=False)
    who: dict = field(compare=False)
    what: str = field(compare=False)
    detail: str = field(compare=False)
    stream_id: str = field(compare=False, default="")
    hash: str = field(compare=False, default="")
    payload: dict = field(compare=False, default_factory=dict)


def _rules(payload: dict) -> str:
    failed = [r["code"] for r in payload.get("rules", []) if not r.get("passed")]
    passed = sum(1 for r in payload.get("rules", []) if r.get("passed"))
    return f"{payload.get('outcome', '')}: {passed} rules passed" + (f"; failed: {', '.join(failed)}" if failed else "")


def describe(event_type: str, payload: dict) -> str:
    """The reason, opinion, outcome or rule results an auditor looks for first."""
    if event_type == "EligibilityAssessed":
        return _rules(payload)
    parts = []
    for key in ("level", "reason", "opinion", "final_status", "result", "template", "recipient_masked", "sections"):
        if payload.get(key) not in (None, "", [], {}):
            parts.append(f"{key}={payload[key]}")
    if acting := payload.get("acting"):
        parts.append(f"acting={acting}")
    return "; ".join(str(p) for p in parts)[:300]


def rows_of(part: dict) -> list[Row]:
    service = part["service"]
    rank = SERVICES.index(service) if service in SERVICES else len(SERVICES)
    rows = []
    for e in part.get("events", []):
        causes = tuple(c for c in (e.get("causation_id"), e["payload"].get("caused_by_event_id")) if c)
        rows.append(Row(e["recorded_at"], rank, e["stream_version"], e["event_id"], causes, service, e["occurred_at"],
                        e["actor"], e["event_type"], describe(e["event_type"], e["payload"]), e["stream_id"],
                        e["hash"], e["payload"]))
    for d in part.get("deliveries", []):
        state = f"{d['status']} after {d['attempts']} attempt(s)" + (f": {d['last_error']}" if d.get("last_error") else "")
        rows.append(Row(d["created_at"], rank, 0, f"sms:{d['notification_id']}:{d['template']}",
                        (d["caused_by_event_id"],), service, "", {"role": "system", "organisation": "notify"},
                        "SMS", f"{d['template']} to {d['recipient_masked']}: {state}"))
    return rows


STAFF_UNNAMED = ("system", "applicant")  # services and applicants are never in the staff directory


def unnamed_staff(parts: list[dict]) -> set[str]:
    """Account ids of people (not services, not applicants) acting in any part's events whose names
    no part gave yet: review resolves them from its directory (`GET /audit/staff-names`)."""
    named = {uid for part in parts for uid in part.get("staff_names", {})}
    return {uid for part in parts for e in part.get("events", [])
            if (uid := e.get("actor", {}).get("user")) and e["actor"].get("role") not in STAFF_UNNAMED
            and uid not in named}


def merge(parts: list[dict]) -> list[Row]:
    """Causes first, then recorded time (a topological order with recorded time as the tie-break)."""
    rows = [r for part in parts for r in rows_of(part)]
    names = {uid: name for part in parts for uid, name in part.get("staff_names", {}).items()}
    for r in rows:  # the staff directory's name beside the account id (review resolved and recorded it)
        if (uid := r.who.get("user")) in names and names[uid] != uid:
            r.who = {**r.who, "name": names[uid]}
    ids = {r.id for r in rows}
    waiting = {r.id: {c for c in r.causes if c in ids and c != r.id} for r in rows}
    effects: dict[str, list[Row]] = {}
    for r in rows:
        for c in waiting[r.id]:
            effects.setdefault(c, []).append(r)
    ready = [r for r in rows if not waiting[r.id]]
    heapq.heapify(ready)
    out = []
    while ready:
        r = heapq.heappop(ready)
        out.append(r)
        for effect in effects.get(r.id, []):
            waiting[effect.id].discard(r.id)
            if not waiting[effect.id]:
                heapq.heappush(ready, effect)
    done = {r.id for r in out}
    return out + sorted(r for r in rows if r.id not in done)  # a cycle cannot happen; never drop a row


def who(actor: dict) -> str:
    account = actor.get("user", "") + (f" ({actor['name']})" if actor.get("name") else "")
    return " / ".join(x for x in (actor.get("role", ""), actor.get("organisation", ""), account) if x)


def as_json(row: Row) -> dict:
    return {"service": row.service, "what": row.what, "season_at": row.season_at, "recorded_at": row.recorded_at,
            "who": row.who, "detail": row.detail, "stream_id": row.stream_id, "version": row.version,
            "id": row.id, "caused_by": list(row.causes), "hash": row.hash, "payload": row.payload}
