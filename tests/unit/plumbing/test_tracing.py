"""plumbing/tracing.py on its own: which exporters the settings choose, which traceparents continue a
trace, and that a database call outside any traced work starts no trace while one inside does."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags, set_span_in_context

from plumbing.tracing import JsonLinesExporter, exporters, parent_span_id, sampler, traceparent

TRACE = uuid.UUID("4bf92f35-77b3-4da6-a3ce-929d0e0e4736")


def _settings(**given):
    return SimpleNamespace(**{"trace_file": "", "trace_console": False, "trace_otlp_endpoint": "",
                              "trace_sample_ratio": 1.0, **given})


def test_no_exporter_is_chosen_unless_one_is_configured_and_each_configured_one_is():
    assert exporters(_settings()) == []
    chosen = exporters(_settings(trace_file="/tmp/x.jsonl", trace_console=True,
                                 trace_otlp_endpoint="http://127.0.0.1:4318/v1/traces"))
    assert [type(e) for e in chosen] == [JsonLinesExporter, JsonLinesExporter, OTLPSpanExporter]
    assert (chosen[0].path, chosen[1].path) == ("/tmp/x.jsonl", None)


def test_a_traceparent_gives_its_span_id_only_within_the_same_trace():
    header = traceparent(TRACE, 0x00F067AA0BA902B7)
    assert header == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    assert parent_span_id(header, TRACE) == 0x00F067AA0BA902B7
    assert parent_span_id(header.encode(), TRACE) == 0x00F067AA0BA902B7
    assert parent_span_id(header, uuid.uuid4()) is None
    assert parent_span_id("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", TRACE) is None
    assert parent_span_id("garbage", TRACE) is None and parent_span_id(None, TRACE) is None


def test_a_query_outside_traced_work_starts_no_trace_and_one_inside_a_span_is_kept():
    spans = InMemorySpanExporter()
    provider = TracerProvider(sampler=sampler())
    provider.add_span_processor(SimpleSpanProcessor(spans))
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("SELECT", kind=SpanKind.CLIENT, attributes={"db.system": "postgresql"}):
        pass
    with tracer.start_as_current_span("consume X", kind=SpanKind.CONSUMER):
        with tracer.start_as_current_span("INSERT", kind=SpanKind.CLIENT, attributes={"db.system.name": "postgresql"}):
            pass
    assert [s.name for s in spans.get_finished_spans()] == ["INSERT", "consume X"]


def _recorded(ratio: float, trace_ids: list[int]) -> list[int]:
    """The traces a process with `ratio` records, each span continuing its trace as ours do."""
    spans = InMemorySpanExporter()
    provider = TracerProvider(sampler=sampler(ratio))
    provider.add_span_processor(SimpleSpanProcessor(spans))
    for trace_id in trace_ids:
        parent = SpanContext(trace_id=trace_id, span_id=1, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED))
        with provider.get_tracer("t").start_as_current_span("consume X", context=set_span_in_context(
                NonRecordingSpan(parent)), kind=SpanKind.CONSUMER):
            pass
    return sorted(s.context.trace_id for s in spans.get_finished_spans())


def test_a_sample_ratio_keeps_that_share_of_traces_and_every_process_keeps_the_same_ones():
    trace_ids = [uuid.uuid4().int for _ in range(400)]
    assert _recorded(1.0, trace_ids) == sorted(trace_ids)
    assert _recorded(0.0, trace_ids) == []
    kept = _recorded(0.25, trace_ids)
    assert 40 <= len(kept) <= 160
    assert _recorded(0.25, trace_ids) == kept  # another process, the same filings' traces
