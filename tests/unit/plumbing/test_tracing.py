"""plumbing/tracing.py on its own: which exporters the settings choose, which traceparents continue a
trace, and that a database call outside any traced work starts no trace while one inside does."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased
from opentelemetry.trace import SpanKind

from plumbing.tracing import JsonLinesExporter, NoOrphanQueries, exporters, parent_span_id, traceparent

TRACE = uuid.UUID("4bf92f35-77b3-4da6-a3ce-929d0e0e4736")


def _settings(**given):
    return SimpleNamespace(**{"trace_file": "", "trace_console": False, "trace_otlp_endpoint": "", **given})


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
    provider = TracerProvider(sampler=ParentBased(root=NoOrphanQueries()))
    provider.add_span_processor(SimpleSpanProcessor(spans))
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("SELECT", kind=SpanKind.CLIENT, attributes={"db.system": "postgresql"}):
        pass
    with tracer.start_as_current_span("consume X", kind=SpanKind.CONSUMER):
        with tracer.start_as_current_span("INSERT", kind=SpanKind.CLIENT, attributes={"db.system.name": "postgresql"}):
            pass
    assert [s.name for s in spans.get_finished_spans()] == ["INSERT", "consume X"]
