"""One filing's path through the four service processes is one trace: the request's traceparent
names the trace, and intake (the HTTP door), eligibility, review and notify (each consumer of the
events it caused) export spans under that trace id (each service writes its spans to a file)."""
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
        found = {service: _spans(stack, service, trace_id) for service in SERVICES}
        return found if all(found.values()) else None

    found = await eventually(all_four)
    assert any(s["kind"] == "SpanKind.SERVER" and s["name"] == "POST /applications" for s in found["intake"])
    for service in ("eligibility", "review", "notify"):
        assert any(s["kind"] == "SpanKind.CONSUMER" and s["name"].startswith("consume ") for s in found[service])
        assert {s["resource"]["attributes"]["service.name"] for s in found[service]} == {f"zhicheng-{service}"}
