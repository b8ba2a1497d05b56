"""Every event's JSON Schema is checked in; a change that would break a consumer fails here."""
import copy

import pytest

from contracts.registry import EVENT_TYPES
from contracts.schema_tool import breaking_changes, check, current_schemas, stored_schemas

REQUIRED_EVENTS = {
    "ApplicationSubmitted", "ApplicationResubmitted", "ApplicationWithdrawn", "EligibilityAssessed", "UnitApproved",
    "UnitRejected", "Returned", "PublicNoticeStarted", "PublicNoticeCompleted", "DepartmentApproved",
    "DepartmentRejected", "HRBureauRecommended", "ForwardedToCommittee", "InterviewScheduled",
    "InterviewResultRecorded", "FeeRequested", "FeePaid", "NotificationSent", "NotificationFailed"}


def test_every_lifecycle_event_of_the_spec_has_a_contract():
    assert REQUIRED_EVENTS <= EVENT_TYPES.keys()


def test_every_event_has_a_checked_in_schema_that_matches_the_model():
    stored = stored_schemas()
    current = current_schemas()
    missing = sorted(set(current) - set(stored))
    assert not missing, f"run `python -m contracts.schema_tool write` and commit: {missing}"
    assert {k: stored[k] for k in current} == current


def test_current_models_do_not_break_the_checked_in_schemas():
    assert check() == {}


@pytest.fixture
def schema():
    return copy.deepcopy(current_schemas()["Returned.v1"])


def test_removing_a_field_is_a_breaking_change(schema):
    new = copy.deepcopy(schema)
    del new["properties"]["reason"]
    assert any("reason: field removed" in p for p in breaking_changes(schema, new))


def test_retyping_a_field_is_a_breaking_change(schema):
    new = copy.deepcopy(schema)
    new["properties"]["reason"] = {"type": "integer"}
    assert any("reason: type changed" in p for p in breaking_changes(schema, new))


def test_a_new_required_field_is_a_breaking_change_but_an_optional_one_is_not(schema):
    optional = copy.deepcopy(schema)
    optional["properties"]["note"] = {"type": "string", "default": ""}
    assert breaking_changes(schema, optional) == []
    required = copy.deepcopy(optional)
    required["required"] = [*schema["required"], "note"]
    assert any("note: new required field" in p for p in breaking_changes(schema, required))


def test_envelope_serialises_to_the_pinned_shape():
    import uuid
    from datetime import UTC, datetime

    from contracts.envelope import Actor, Envelope, Role

    env = Envelope(event_id=uuid.UUID(int=1), event_type="ApplicationWithdrawn", stream_id="application-x",
                   stream_version=1, occurred_at=datetime(2020, 8, 1, tzinfo=UTC),
                   recorded_at=datetime(2020, 8, 1, tzinfo=UTC), actor=Actor(role=Role.APPLICANT, user="u"),
                   correlation_id=uuid.UUID(int=2), payload={"reason": "x"})
    assert env.canonical_json() == (
        '{"actor":{"organisation":"","role":"applicant","user":"u"},"causation_id":null,'
        '"correlation_id":"00000000-0000-0000-0000-000000000002","event_id":"00000000-0000-0000-0000-000000000001",'
        '"event_type":"ApplicationWithdrawn","occurred_at":"2020-08-01T00:00:00Z","payload":{"reason":"x"},'
        '"recorded_at":"2020-08-01T00:00:00Z","schema_version":1,"stream_id":"application-x","stream_version":1}')
