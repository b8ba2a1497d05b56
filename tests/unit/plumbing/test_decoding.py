"""The only decoder of Kafka records: what it refuses, and that refusing costs little."""
import json
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.limits import DEAD_LETTER_ERROR_CHARS, DEAD_LETTER_PREVIEW_BYTES, JSON_MAX_DEPTH, RECORD_MAX_BYTES
from plumbing.core.decoding import BadRecord, decode_envelope, depth_exceeds, describe, short_error


def _envelope(payload: dict) -> bytes:
    now = datetime.now(UTC).isoformat()
    return json.dumps({"event_id": str(uuid.uuid4()), "event_type": "ApplicationWithdrawn", "stream_id": "s",
                       "stream_version": 1, "occurred_at": now, "recorded_at": now,
                       "actor": {"role": "system"}, "correlation_id": str(uuid.uuid4()), "payload": payload}).encode()


def _nested(depth: int) -> dict:
    node: dict = {}
    for _ in range(depth - 1):
        node = {"a": node}
    return node


def _code(raw) -> str:
    with pytest.raises(BadRecord) as caught:
        decode_envelope(raw)
    return caught.value.code


def test_a_valid_envelope_decodes():
    assert decode_envelope(_envelope({"application_id": "x"})).payload == {"application_id": "x"}


def test_json_nested_five_thousand_levels_is_refused_as_too_deep_not_a_recursion_error():
    assert _code(b'{"a":' * 5000 + b"1" + b"}" * 5000) == "TOO_DEEP"


def test_an_envelope_whose_payload_nests_past_the_limit_is_refused():
    assert _code(_envelope(_nested(JSON_MAX_DEPTH))) == "TOO_DEEP"  # the envelope adds a level


@pytest.mark.parametrize(("raw", "code"), [
    (None, "TOMBSTONE"),
    (b"\x01" * 200_000, "NOT_JSON"),
    (b"\xff\xfe{}", "NOT_UTF8"),
    (b"[1, 2]", "NOT_AN_ENVELOPE"),
    (b'{"event_type": "X"}', "NOT_AN_ENVELOPE"),
    (b'"' + b'\\"' * 100_000, "NOT_JSON"),
])
def test_records_that_are_not_envelopes_are_refused_with_a_code(raw, code):
    assert _code(raw) == code


def test_a_record_larger_than_the_broker_could_hold_is_refused_before_parsing():
    assert _code(b" " * (RECORD_MAX_BYTES + 1)) == "TOO_LARGE"


@given(st.integers(min_value=1, max_value=80), st.integers(min_value=1, max_value=60))
def test_depth_is_exceeded_exactly_when_nesting_passes_the_limit(depth, limit):
    assert depth_exceeds(_nested(depth), limit) is (depth > limit)


@given(st.binary(max_size=4096))
def test_a_dead_letter_describes_any_record_in_bounded_printable_form(value):
    described = describe(value)
    assert described["length"] == len(value) and len(described["sha256"]) == 64
    assert len(described["preview"]) <= DEAD_LETTER_PREVIEW_BYTES
    assert described["preview"].isprintable()
    assert "\x00" not in described["preview"]


def test_a_long_error_is_cut_to_its_bound():
    assert len(short_error("x" * 100_000)) == DEAD_LETTER_ERROR_CHARS + 1
