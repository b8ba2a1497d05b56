"""OpenTelemetry spans for one filing's path through the four services, under one trace id.

The trace id is the correlation id every event already carries (a request's traceparent trace id
becomes it, plumbing/core/causes.py), so the trace context travels with each event's metadata and
through Kafka without a new envelope field: the HTTP door opens a server span in it, and each
consumer continues it for the event it handles, its parent span id taken from the causing event's
id. Exported when configured, else nothing is recorded (the API's no-op tracer):

| variable | meaning |
|---|---|
| ZC_TRACE_FILE | append each finished span as one JSON line to this file |
| ZC_TRACE_CONSOLE | `1`: each finished span as one JSON line on stdout |
"""
from __future__ import annotations

import contextlib
import secrets
import threading
import uuid
from collections.abc import Iterator, Sequence

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags, set_span_in_context
from plumbing.settings import ProcessSettings

_MASK64 = (1 << 64) - 1


class JsonLinesExporter(SpanExporter):
    """One compact JSON object per span, appended to a file (or stdout): greppable by trace id."""

    def __init__(self, path: str | None) -> None:
        self.path, self._lock = path, threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = "".join(span.to_json(indent=None) + "\n" for span in spans)
        with self._lock:
            if self.path:
                with open(self.path, "a", encoding="utf-8") as out:
                    out.write(lines)
            else:
                print(lines, end="", flush=True)
        return SpanExportResult.SUCCESS


def configure(service: str, given: ProcessSettings | None = None) -> bool:
    """A tracer provider for this process when an exporter is configured. True when tracing is on."""
    given = given or ProcessSettings.current()
    path, console = given.trace_file, given.trace_console
    if not path and not console:
        return False
    provider = TracerProvider(resource=Resource.create({"service.name": f"zhicheng-{service}"}))
    provider.add_span_processor(SimpleSpanProcessor(JsonLinesExporter(path)))
    trace.set_tracer_provider(provider)
    return True


def _parent(trace_id: uuid.UUID, parent_id: uuid.UUID | None) -> SpanContext:
    span_id = (parent_id.int & _MASK64) if parent_id else (secrets.randbits(64) or 1)
    return SpanContext(trace_id=trace_id.int, span_id=span_id or 1, is_remote=True,
                       trace_flags=TraceFlags(TraceFlags.SAMPLED))


@contextlib.contextmanager
def span(name: str, trace_id: uuid.UUID, *, parent_id: uuid.UUID | None = None, kind: SpanKind = SpanKind.INTERNAL,
         **attributes) -> Iterator[trace.Span]:
    """A span in the trace `trace_id` (a correlation id), child of `parent_id` (a causing event's id)."""
    context = set_span_in_context(NonRecordingSpan(_parent(trace_id, parent_id)))
    tracer = trace.get_tracer("zhicheng")
    with tracer.start_as_current_span(name, context=context, kind=kind,
                                      attributes={k: str(v) for k, v in attributes.items() if v is not None}) as s:
        yield s


def traceparent(trace_id: uuid.UUID, span_id: uuid.UUID) -> str:
    """The W3C header for a record: its trace (the correlation id) and its event as the parent span."""
    return f"00-{trace_id.hex}-{(span_id.int & _MASK64) or 1:016x}-01"
