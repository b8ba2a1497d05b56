"""One filing's path through the four service processes is one trace: the request's traceparent
names the trace, and intake (the HTTP door), eligibility, review and notify (each consumer of the
events it caused) export spans under that trace id (each service writes its spans to a file). The
trace is linked, not only shared: database calls are spans inside the request or the consumed event,
the relay publishes each event in a producer span child of the span that appended it, and each
consumer's span is a child of the producer span that sent its record, so the chain from the request
to the SMS crosses Kafka by parent links."""
from __future__ import annotations

import json
import secrets

import httpx

from tests.e2e.season import Season, at_keqiao, named
from tests.fixtures.builders import normal_applicant

SERVICES = ("intake", "eligibility", "review", "notify")


def _spans(stack, service: str, trace_id: str) -> list[dict]:
    path = stack.spans(service)
    if not path.exists():
        return []
    spans = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [s for s in spans if s["context"]["trace_id"] == f"0x{trace_id}"]


async def test_spans_of_all_four_processes_share_the_filings_trace_id(stack, eventually):
    app = at_keqiao(named(normal_applicant(), "钱伟"))
    trace_id = secrets.token_hex(16)
    # Every request of this filing (its archive entry and unit set up first, then the filing) in the trace.
    traced = {"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}
    async with httpx.AsyncClient(timeout=30, headers=traced) as client:
        await Season(client, stack, eventually).file(app)

    async def all_four():
        # Spans are exported in batches (plumbing/tracing.py): a process's first spans of the trace
        # may reach its file before the one looked for, so wait for each process's own span kind.
        found = {service: _spans(stack, service, trace_id) for service in SERVICES}
        filed = any(s["kind"] == "SpanKind.SERVER" and s["name"] == "POST /applications" for s in found["intake"])
        consumed = all(any(s["kind"] == "SpanKind.CONSUMER" for s in found[service])
                       for service in ("eligibility", "review", "notify"))
        return found if filed and consumed else None

    found = await eventually(all_four)
    assert any(s["kind"] == "SpanKind.SERVER" and s["name"] == "POST /applications" for s in found["intake"])
    for service in ("eligibility", "review", "notify"):
        assert any(s["kind"] == "SpanKind.CONSUMER" and s["name"].startswith("consume ") for s in found[service])
        assert {s["resource"]["attributes"]["service.name"] for s in found[service]} == {f"zhicheng-{service}"}


def _by_id(spans: list[dict]) -> dict[str, dict]:
    return {s["context"]["span_id"]: s for s in spans}


def _queries(spans: list[dict]) -> list[dict]:
    return [s for s in spans if s["kind"] == "SpanKind.CLIENT"
            and "postgresql" in (s["attributes"].get("db.system"), s["attributes"].get("db.system.name"))]


async def test_one_filings_trace_links_requests_queries_producers_and_consumers_across_kafka(stack, eventually):
    app = at_keqiao(named(normal_applicant(), "孙丽"))
    trace_id = secrets.token_hex(16)
    traced = {"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}
    async with httpx.AsyncClient(timeout=30, headers=traced) as client:
        await Season(client, stack, eventually).file(app)
    applications = f"publish {stack.prefix}.intake.applications.v1"

    async def linked():
        found = {service: _spans(stack, service, trace_id) for service in SERVICES}
        every = _by_id([s for spans in found.values() for s in spans])
        # eligibility's span for the filing is a child of intake's producer span that sent it
        filed = [s for s in found["eligibility"] if s["name"] == "consume ApplicationSubmitted"
                 and every.get(s["parent_id"], {}).get("name") == applications]
        consuming = all(any(s["kind"] == "SpanKind.CONSUMER" for s in found[service]) for service in SERVICES)
        return (found, every, filed[0]) if filed and consuming and all(_queries(found[s]) for s in SERVICES) else None

    found, every, filed = await eventually(linked)
    producer = every[filed["parent_id"]]
    assert producer["kind"] == "SpanKind.PRODUCER"
    assert producer["resource"]["attributes"]["service.name"] == "zhicheng-intake"
    # the producer continues the span in which the filing was appended: the request's
    request = every[producer["parent_id"]]
    assert (request["kind"], request["name"]) == ("SpanKind.SERVER", "POST /applications")
    assert len([s for s in found["intake"] if s["kind"] == "SpanKind.SERVER" and s["name"] == "POST /applications"]) == 1
    # the request's span is a child of the caller's span (the traceparent it sent)
    assert request["parent_id"] == "0x" + traced["traceparent"].split("-")[2]
    # the filing's INSERT is a database span inside the request
    assert any(q["parent_id"] == request["context"]["span_id"] and q["name"] == "WITH" for q in _queries(found["intake"]))
    # every process consumed in this trace, and each consumer span whose parent is known hangs off a producer span
    for service in SERVICES:
        consumers = [s for s in found[service] if s["kind"] == "SpanKind.CONSUMER"]
        assert consumers, service
        parents = [every[s["parent_id"]] for s in consumers if s["parent_id"] in every]
        assert parents and all(p["kind"] == "SpanKind.PRODUCER" for p in parents), service
        # queries run inside the consumed events' spans
        inside = {s["context"]["span_id"] for s in consumers}
        assert any(q["parent_id"] in inside for q in _queries(found[service])), service
    # no query parameter is ever recorded (values can be personal data)
    assert not any("db.statement.parameters" in q["attributes"] for spans in found.values() for q in _queries(spans))
