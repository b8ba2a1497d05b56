"""Causes that travel: the HTTP edge's correlation id, a consumed event's, and the log lines."""
import json
import uuid

import structlog

from contracts.envelope import SYSTEM_ACTOR, Envelope
from plumbing.core.causes import Cause, caused_by, correlation_from, current, from_request
from plumbing.logging import configure, get_logger


def test_a_uuid_correlation_header_is_taken_as_it_is():
    given = uuid.uuid4()
    assert correlation_from({"x-correlation-id": str(given)}) == given


def test_any_other_correlation_text_names_the_same_uuid_every_time():
    assert correlation_from({"x-correlation-id": "demo-1"}) == correlation_from({"x-correlation-id": "demo-1"})
    assert correlation_from({"x-correlation-id": "demo-1"}) != correlation_from({"x-correlation-id": "demo-2"})


def test_a_w3c_traceparent_gives_its_trace_id_when_there_is_no_correlation_header():
    header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    assert correlation_from({"traceparent": header}) == uuid.UUID("4bf92f3577b34da6a3ce929d0e0e4736")


def test_a_request_without_either_header_starts_a_new_story_with_its_own_request_id():
    cause = from_request({})
    assert cause.correlation_id and cause.causation_id and cause.correlation_id != cause.causation_id


def test_a_consumed_event_passes_on_its_correlation_and_becomes_the_causation():
    env = Envelope(event_type="X", stream_id="s", stream_version=1, occurred_at="2020-08-01T00:00:00Z",
                   recorded_at="2020-08-01T00:00:00Z", actor=SYSTEM_ACTOR, correlation_id=uuid.uuid4(), payload={})
    cause = Cause.of(env)
    assert (cause.correlation_id, cause.causation_id) == (env.correlation_id, env.event_id)
    assert cause.event_id("s", 0) == Cause.of(env).event_id("s", 0) != cause.event_id("s", 1)


def test_the_bound_cause_is_current_inside_and_on_every_log_line(capsys):
    configure("test", json=True)
    cause = Cause(uuid.uuid4(), uuid.uuid4())
    with caused_by(cause):
        assert current() == cause
        get_logger("t").info("inside")
    assert current() != cause
    structlog.contextvars.clear_contextvars()
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert (line["correlation_id"], line["causation_id"]) == (str(cause.correlation_id), str(cause.causation_id))
