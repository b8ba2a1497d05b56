"""OpenTelemetry spans for one filing's path through the four services, under one trace id.

The trace id is the correlation id every event already carries (a request's traceparent trace id
becomes it, plumbing/core/causes.py). The HTTP door opens a server span in it; the span in which
events are appended is stored with their outbox rows (`outbox.traceparent`); the relay publishes
each record in a producer span, child of that stored span, and writes the producer span's W3C
`traceparent` header; each consumer continues from that header (or, for a record without one, from
the causing event's id), so parent links run unbroken from the request to the last SMS. Database
calls (asyncpg) and outgoing HTTP calls (httpx) get client spans from OpenTelemetry's own
instrumentations, inside whatever span is current; a query outside any traced work (a relay poll)
starts no trace of its own.

Exported when configured (ServiceSettings, plumbing/settings.py), else nothing is recorded (the API's
no-op tracer) and nothing is instrumented:

| variable | meaning |
|---|---|
| ZC_TRACE_FILE | append each finished span as one JSON line to this file |
| ZC_TRACE_CONSOLE | `true`: each finished span as one JSON line on stdout |
| ZC_TRACE_OTLP_ENDPOINT | an OTLP/HTTP collector's traces URL (`http://host:4318/v1/traces`): spans sent there as protobuf |
| ZC_TRACE_SAMPLE_RATIO | 1: the share of traces recorded (by trace id: every service keeps the same ones) |
"""
from __future__ import annotations

import contextlib
import re
import secrets
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import Decision, ParentBased, Sampler, SamplingResult
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags, set_span_in_context

_MASK64 = (1 << 64) - 1
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")
# Spans reach the file or the collector within this long of ending (a batch, off the event loop's thread).
EXPORT_DELAY_MILLIS = 500


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


class NoOrphanQueries(Sampler):
    """Root spans are kept (as `then` decides), except a database call's: the relay's polls, the
    projection runner's reads and the probes' checks run outside any request or event, and a trace
    each would bury the filings'."""

    def __init__(self, then: Sampler | None = None) -> None:
        self.then = then

    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None,
                      trace_state=None) -> SamplingResult:
        if attributes and ("db.system" in attributes or "db.system.name" in attributes):
            return SamplingResult(Decision.DROP)
        if self.then is not None:
            return self.then.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)
        return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes)

    def get_description(self) -> str:
        return "NoOrphanQueries"


class ByTraceId(Sampler):
    """Keep `ratio` of the traces, by the top 48 bits of the trace id. The SDK's TraceIdRatioBased reads
    the low 64, which in a UUID4 (our correlation ids) always start with the variant bits 10: below a
    ratio of one half it would keep no trace at all. The top 48 bits are random in a UUID4 and in a
    W3C trace id alike."""

    _TOP = 1 << 48

    def __init__(self, ratio: float) -> None:
        self.ratio, self.bound = ratio, round(ratio * self._TOP)

    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None,
                      trace_state=None) -> SamplingResult:
        if (trace_id >> 80) < self.bound:
            return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes)
        return SamplingResult(Decision.DROP)

    def get_description(self) -> str:
        return f"ByTraceId{{{self.ratio}}}"


def sampler(ratio: float = 1.0) -> Sampler:
    """Which traces are recorded: `ratio` of them, chosen by trace id, so the four processes keep or
    drop the same filings' traces. Every span of ours continues a remote parent (the correlation id's
    trace, plumbing/core/causes.py), so the ratio decides there too; a local parent's choice is inherited."""
    by_trace = ByTraceId(ratio)
    return ParentBased(root=NoOrphanQueries(by_trace), remote_parent_sampled=by_trace,
                       remote_parent_not_sampled=by_trace)


def exporters(settings) -> list[SpanExporter]:
    """The exporters `settings` (trace_file, trace_console, trace_otlp_endpoint) ask for; none: tracing off."""
    chosen: list[SpanExporter] = []
    if settings.trace_file:
        chosen.append(JsonLinesExporter(settings.trace_file))
    if settings.trace_console:
        chosen.append(JsonLinesExporter(None))
    if settings.trace_otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        chosen.append(OTLPSpanExporter(endpoint=settings.trace_otlp_endpoint, timeout=10))
    return chosen


def configure(service: str, settings) -> bool:
    """A tracer provider for this process, and the asyncpg and httpx instrumentations, when an exporter
    is configured. True when tracing is on."""
    chosen = exporters(settings)
    if not chosen:
        return False
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    provider = TracerProvider(resource=Resource.create({"service.name": f"zhicheng-{service}"}),
                              sampler=sampler(settings.trace_sample_ratio))
    for exporter in chosen:
        provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=EXPORT_DELAY_MILLIS))
    trace.set_tracer_provider(provider)
    # Statements only, never their parameters (capture_parameters=False): values can be personal data.
    AsyncPGInstrumentor(capture_parameters=False).instrument(tracer_provider=provider)
    HTTPXClientInstrumentor().instrument(tracer_provider=provider)
    return True


def _parent(trace_id: uuid.UUID, parent: uuid.UUID | int | None) -> SpanContext:
    if isinstance(parent, uuid.UUID):
        span_id = parent.int & _MASK64
    else:
        span_id = parent or secrets.randbits(64)
    return SpanContext(trace_id=trace_id.int, span_id=span_id or 1, is_remote=True,
                       trace_flags=TraceFlags(TraceFlags.SAMPLED))


@contextlib.contextmanager
def span(name: str, trace_id: uuid.UUID, *, parent_id: uuid.UUID | int | None = None,
         kind: SpanKind = SpanKind.INTERNAL, **attributes) -> Iterator[trace.Span]:
    """A span in the trace `trace_id` (a correlation id), child of `parent_id`: a span id (from a
    traceparent, `parent_span_id`) or a causing event's id (its low 64 bits)."""
    context = set_span_in_context(NonRecordingSpan(_parent(trace_id, parent_id)))
    tracer = trace.get_tracer("zhicheng")
    with tracer.start_as_current_span(name, context=context, kind=kind,
                                      attributes={k: str(v) for k, v in attributes.items() if v is not None}) as s:
        yield s


def traceparent(trace_id: uuid.UUID, span_id: uuid.UUID | int) -> str:
    """The W3C header naming a trace (a correlation id) and a span in it (a span id, or an event's id)."""
    number = span_id.int & _MASK64 if isinstance(span_id, uuid.UUID) else span_id
    return f"00-{trace_id.hex}-{number or 1:016x}-01"


def parent_span_id(header: str | bytes | None, trace_id: uuid.UUID) -> int | None:
    """The span id of a W3C `traceparent` header when it names the trace `trace_id`, else None."""
    if isinstance(header, bytes):
        header = header.decode("ascii", "replace")
    match = _TRACEPARENT.match((header or "").strip().lower())
    if not match or int(match.group(1), 16) != trace_id.int:
        return None
    return int(match.group(2), 16) or None


def header_span_id(headers: Sequence[tuple[str, bytes]] | Mapping[str, str] | None, trace_id: uuid.UUID) -> int | None:
    """The parent span id a Kafka record's (or a request's) `traceparent` header gives in `trace_id`."""
    if not headers:
        return None
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return next((parent_span_id(v, trace_id) for k, v in pairs if k.lower() == "traceparent"), None)


def current_traceparent(trace_id: uuid.UUID) -> str | None:
    """The recording span now current, as a W3C header, when it belongs to `trace_id`: what an append
    stores with its outbox rows so that the relay's producer span continues it."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid or context.trace_id != trace_id.int or not trace.get_current_span().is_recording():
        return None
    return traceparent(trace_id, context.span_id)


def current_ids() -> dict[str, str]:
    """trace_id and span_id of the recording span now current (for log lines), else nothing."""
    current = trace.get_current_span()
    context = current.get_span_context()
    if not context.is_valid or not current.is_recording():
        return {}
    return {"trace_id": f"{context.trace_id:032x}", "span_id": f"{context.span_id:016x}"}
