"""The AsyncAPI document: generated from the contract registry, checked in, valid AsyncAPI 3.0, and
naming every message that travels; each message schema compared with its last released version."""
import copy
import json

import jsonschema
import pytest

from contracts import analytics, topics
from contracts.asyncapi import CHANNEL_MESSAGES, CHANNELS, DOCUMENT, SPEC_SCHEMA, generate, text
from contracts.registry import EVENT_TYPES
from contracts.schema_tool import breaking_changes, current_schemas, stored_schemas


def _validator():
    schema = json.loads(SPEC_SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"] == "AsyncAPI 3.0.0 schema."
    return jsonschema.Draft7Validator(schema)


def test_the_checked_in_document_is_the_one_the_registry_generates():
    fresh = text()
    assert DOCUMENT.read_text(encoding="utf-8") == fresh, "run `python -m contracts.asyncapi write` and commit"


def test_the_document_is_valid_asyncapi_3_0():
    errors = list(_validator().iter_errors(json.loads(DOCUMENT.read_text(encoding="utf-8"))))
    assert not errors, [e.message for e in errors[:3]]


@pytest.mark.parametrize("spoil", ["publish_action", "no_channel_address_type", "unknown_top_level_key"])
def test_the_asyncapi_schema_refuses_a_document_that_is_not_asyncapi_3_0(spoil):
    doc = copy.deepcopy(generate())
    if spoil == "publish_action":  # AsyncAPI 2's verb
        next(iter(doc["operations"].values()))["action"] = "publish"
    elif spoil == "no_channel_address_type":
        doc["channels"]["analytics"]["address"] = 42
    else:
        doc["subscribe"] = {}
    assert list(_validator().iter_errors(doc))


def test_every_message_that_travels_is_on_exactly_one_channel_of_every_topic():
    events = [m for messages in CHANNEL_MESSAGES.values() for m in messages if m in EVENT_TYPES]
    assert sorted(events) == sorted(EVENT_TYPES)  # each event on one topic: its publisher's
    others = {m for messages in CHANNEL_MESSAGES.values() for m in messages} - set(EVENT_TYPES)
    assert others == {analytics.MESSAGE_TYPE, "PersonalRecord", "DeadLetter", "AuditRecord"}
    addresses = {spec[0]().split(".", 1)[1] for spec in CHANNELS.values()}
    assert addresses == {t.name.split(".", 1)[1] for t in topics.all_topics()}


def test_the_feed_s_message_in_the_document_is_its_current_schema():
    schemas = generate()["components"]["schemas"]
    assert set(schemas["CaseChange"]["properties"]) == set(analytics.CaseChange.model_fields) | {"schema_version"}


# --- each message schema against its last released version (the checked-in file) --------------

@pytest.fixture
def released():
    return copy.deepcopy(stored_schemas()["CaseChange.v2"])


def test_every_message_schema_is_compatible_with_its_last_released_version():
    current, stored = current_schemas(), stored_schemas()
    assert {name: breaking_changes(stored[name], current[name]) for name in current if name in stored} == \
        {name: [] for name in current if name in stored}


def test_a_removed_field_fails(released):
    new = copy.deepcopy(released)
    del new["properties"]["area"]
    new["required"].remove("area")
    assert breaking_changes(released, new) == ["#.area: field removed"]


def test_a_renamed_field_fails(released):
    new = copy.deepcopy(released)
    new["properties"]["district"] = new["properties"].pop("area")
    new["required"] = [("district" if f == "area" else f) for f in new["required"]]
    assert sorted(breaking_changes(released, new)) == ["#.area: field removed", "#.district: new required field"]


def test_a_changed_type_fails(released):
    new = copy.deepcopy(released)
    new["properties"]["revision"] = {"type": "string"}
    assert breaking_changes(released, new) == ["#.revision: type changed"]


def test_a_new_required_field_fails_and_a_new_optional_one_does_not(released):
    new = copy.deepcopy(released)
    new["properties"]["district"] = {"type": "string", "default": ""}
    assert breaking_changes(released, new) == []
    new["required"] = [*new["required"], "district"]
    assert breaking_changes(released, new) == ["#.district: new required field"]


def test_a_v1_feed_message_still_reads_after_v2():
    v1 = analytics.CaseChangeV1(
        message_id="00000000-0000-0000-0000-000000000001", case_key="c" * 32, applicant_key="a" * 32, sequence=2,
        plan_id="zj-sx-2020-zgj", plan_version="2020.1", city="绍兴市", area="keqiao", unit_kind="private",
        specialty="建筑工程", route_declared="normal", route_used="normal", revision=1, change="UnitApproved",
        from_stage="at_unit", stage="awaiting_notice", outcome="passed", reason_codes=[],
        eligibility_outcome="eligible", failing_rules=[], season_time="2020-08-10T01:00:00Z",
        recorded_time="2026-12-07T01:00:00Z")
    message = v1.to_message()
    assert json.loads(message)["schema_version"] == 1 and "level" not in json.loads(message)
    read = analytics.read(message)
    assert type(read) is analytics.CaseChange and read.level == "unit"
    assert read.model_dump(exclude={"level"}) == v1.model_dump()
    assert analytics.read(read.to_message()) == read


def test_a_feed_message_of_an_unknown_version_is_refused():
    with pytest.raises(analytics.UnknownMessageVersion):
        analytics.read(b'{"schema_version": 3}')
