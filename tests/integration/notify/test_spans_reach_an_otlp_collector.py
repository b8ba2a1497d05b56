"""A running notify process with ZC_TRACE_OTLP_ENDPOINT sends its spans over OTLP/HTTP to a collector:
here a small HTTP receiver started by the test, decoding each request as OTLP protobuf. The
consumed event's span, the database calls inside it, and the SMS gateway's HTTP call (httpx) all
arrive, in the trace of the event's correlation id."""
from __future__ import annotations

import gzip
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from contracts.events import UnitApproved
from tests.integration.notify.events import case_opened, envelope, mobile


class Collector:
    """An OTLP/HTTP traces endpoint: every span it receives, with its service name."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, object]] = []
        self.paths: list[str] = []
        self._lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                request = ExportTraceServiceRequest.FromString(body)
                with collector._lock:
                    collector.paths.append(self.path)
                    for resource_spans in request.resource_spans:
                        service = next((a.value.string_value for a in resource_spans.resource.attributes
                                        if a.key == "service.name"), "")
                        for scope in resource_spans.scope_spans:
                            collector.spans.extend((service, s) for s in scope.spans)
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/traces"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def in_trace(self, trace_id: uuid.UUID) -> list[tuple[str, object]]:
        with self._lock:
            return [(service, s) for service, s in self.spans if s.trace_id == trace_id.bytes]


@pytest.fixture
def collector():
    running = Collector()
    yield running
    running.server.shutdown()
    running.server.server_close()


def _attribute(span, key: str) -> str | None:
    return next((a.value.string_value for a in span.attributes if a.key == key), None)


async def test_notify_sends_its_consumer_database_and_gateway_spans_to_the_configured_otlp_collector(
        collector, provider, notify_process, eventually):
    notify = notify_process({**provider.env(), "ZC_TRACE_OTLP_ENDPOINT": collector.url}).start().wait_ready()
    app_id = uuid.uuid4()
    approved = envelope(UnitApproved(application_id=app_id, opinion="同意推荐"), f"case-{app_id}", 2)
    await notify.publish(case_opened(app_id, "u-otlp", phone=mobile(7)), approved)

    async def sent_and_traced():
        spans = collector.in_trace(approved.correlation_id)
        names = {s.name for _, s in spans}
        gateway = [s for _, s in spans if s.kind == s.SPAN_KIND_CLIENT and _attribute(s, "db.system") is None
                   and _attribute(s, "db.system.name") is None]
        return spans if "consume UnitApproved" in names and "notify.send" in names and gateway else None

    spans = await eventually(sent_and_traced)
    assert set(collector.paths) == {"/v1/traces"}
    assert {service for service, _ in spans} == {"zhicheng-notify"}
    by_id = {s.span_id: s for _, s in spans}
    consumed = next(s for _, s in spans if s.name == "consume UnitApproved")
    assert consumed.kind == consumed.SPAN_KIND_CONSUMER
    # the planning's queries are spans inside the consumed event's span
    assert any(s.parent_span_id == consumed.span_id and "postgresql" in (_attribute(s, "db.system"),
                                                                        _attribute(s, "db.system.name"))
               for _, s in spans)
    # the gateway's HTTP call (httpx) is a client span inside the send, which is in the event's trace
    send = next(s for _, s in spans if s.name == "notify.send")
    calls = [s for s in by_id.values() if s.parent_span_id == send.span_id and s.kind == s.SPAN_KIND_CLIENT]
    assert calls and all(s.name.startswith("POST") for s in calls)
