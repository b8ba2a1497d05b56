"""The auditor's timeline: the services' parts merged causes first, then by recorded time."""
from __future__ import annotations

import uuid

from hypothesis import given, settings, strategies as st

from zc.audit_timeline import merge


def _event(service: str, recorded: str, cause: str | None = None, what: str = "E", payload: dict | None = None):
    return {"event_id": str(uuid.uuid4()), "event_type": what, "stream_id": f"{service}-x", "stream_version": 1,
            "recorded_at": recorded, "occurred_at": "2020-08-10T01:00:00+00:00", "causation_id": cause,
            "actor": {"role": "system"}, "payload": payload or {}, "hash": "h"}


def test_an_effect_recorded_by_a_skewed_clock_before_its_cause_still_comes_after_it():
    cause = _event("intake", "2026-01-01T00:00:05+00:00", what="ApplicationSubmitted")
    effect = _event("eligibility", "2026-01-01T00:00:01+00:00", cause["event_id"], what="EligibilityAssessed")
    other = _event("review", "2026-01-01T00:00:03+00:00", what="Other")
    rows = merge([{"service": "eligibility", "events": [effect]}, {"service": "intake", "events": [cause]},
                  {"service": "review", "events": [other]}])
    assert [r.what for r in rows] == ["Other", "ApplicationSubmitted", "EligibilityAssessed"]


def test_an_sms_is_shown_with_its_delivery_state_after_the_event_it_was_planned_for():
    cause = _event("review", "2026-01-01T00:00:05+00:00", what="UnitApproved", payload={"opinion": "同意"})
    delivery = {"notification_id": str(uuid.uuid4()), "template": "passed_unit", "recipient_masked": "138****0000",
                "status": "sent", "attempts": 1, "last_error": None, "caused_by_event_id": cause["event_id"],
                "created_at": "2026-01-01T00:00:00+00:00"}
    rows = merge([{"service": "notify", "deliveries": [delivery]}, {"service": "review", "events": [cause]}])
    assert [r.what for r in rows] == ["UnitApproved", "SMS"]
    assert "opinion=同意" in rows[0].detail and "sent after 1 attempt" in rows[1].detail


@settings(deadline=None)  # a shared machine's pauses are not the property's failures
@given(st.lists(st.integers(0, 59), min_size=1, max_size=12), st.data())
def test_every_row_is_shown_once_and_never_before_its_cause(seconds, data):
    events = []
    for n, s in enumerate(seconds):
        cause = data.draw(st.sampled_from([None] + [e["event_id"] for e in events])) if events else None
        events.append(_event("review", f"2026-01-01T00:00:{s:02d}+00:00", cause, what=f"E{n}"))
    rows = merge([{"service": "review", "events": events}])
    assert sorted(r.id for r in rows) == sorted(e["event_id"] for e in events)
    place = {r.id: i for i, r in enumerate(rows)}
    assert all(place[c] < place[r.id] for r in rows for c in r.causes if c in place)


def test_staff_acting_in_any_services_part_are_asked_of_reviews_directory_and_named_on_their_rows():
    from zc.audit_timeline import unnamed_staff

    def by(service: str, role: str, user: str) -> dict:
        return {**_event(service, "2026-01-01T00:00:01+00:00", what=f"{service}-{role}"),
                "actor": {"role": role, "organisation": "o", "user": user}}
    intake_staff, notify_staff = by("intake", "city_hr_bureau", "acct-city"), by("notify", "hr_bureau", "acct-hr")
    parts = [{"service": "intake", "events": [intake_staff, by("intake", "applicant", "acct-applicant")]},
             {"service": "eligibility", "events": [by("eligibility", "system", "system")]},
             {"service": "notify", "events": [notify_staff]},
             {"service": "review", "events": [by("review", "unit", "acct-unit")], "staff_names": {"acct-unit": "经办人"}}]
    assert unnamed_staff(parts) == {"acct-city", "acct-hr"}  # never applicants or services; review's own are named
    parts.append({"service": "review", "events": [], "staff_names": {"acct-city": "专技处", "acct-hr": "acct-hr"}})
    assert unnamed_staff(parts) == set()
    named = {r.what: r.who.get("name") for r in merge(parts)}
    assert named["intake-city_hr_bureau"] == "专技处" and named["review-unit"] == "经办人"
    assert named["notify-hr_bureau"] is None  # an erased name shows as its account id: no name beside it
    assert named["intake-applicant"] is None and named["eligibility-system"] is None
