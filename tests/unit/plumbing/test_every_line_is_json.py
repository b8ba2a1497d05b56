"""Every line a service process writes is JSON through structlog: our own lines, the access log,
uvicorn's and FastStream's loggers (which come with handlers of their own), and a 500, which is
logged with its traceback and the request's correlation and trace ids and answered as a problem.
Run in a child process, so the logging set-up is the one a service has."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import logging, sys
    from plumbing.logging import configure
    configure("test", json=True)  # before the imports, as a service's __main__ does: their warnings too

    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from plumbing.edges.http import install_correlation
    fs = logging.getLogger("faststream.access.kafka")   # as FastStream makes it: its own coloured handler
    fs.addHandler(logging.StreamHandler(sys.stdout)); fs.propagate = False
    from plumbing.logging import route_framework_loggers
    route_framework_loggers()
    fs.warning("Failed to create topic %s", "t")
    logging.getLogger("uvicorn.error").error("uvicorn says %s", "hello")

    app = FastAPI()
    install_correlation(app)

    @app.get("/boom")
    async def boom():
        raise RuntimeError("kaput")

    answer = TestClient(app).get("/boom", headers={"X-Correlation-Id": "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"})
    print(answer.status_code, answer.headers["content-type"], answer.json()["code"], file=sys.stderr)
""")


def test_framework_lines_access_lines_and_a_500_are_json_with_the_request_ids():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert lines[-1] == "500 application/problem+json INTERNAL_ERROR", done.stderr
    records = [json.loads(line) for line in lines[:-1]]  # every other line parses as JSON
    events = {r["event"]: r for r in records}
    assert "Failed to create topic t" in events and "uvicorn says hello" in events
    failure = events["http.unhandled"]
    assert failure["correlation_id"] == "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    assert failure["trace_id"] == "7d1c2b3a4e5f4a6b8c7d9e0f1a2b3c4d"
    assert "RuntimeError: kaput" in failure["exception"] and "Traceback" in failure["exception"]
    access = events["http.access"]
    assert (access["status"], access["route"], access["method"]) == (500, "/boom", "GET")
    assert access["correlation_id"] == failure["correlation_id"]


TRACED = textwrap.dedent("""
    import logging, sys
    from types import SimpleNamespace
    from plumbing.logging import configure, get_logger
    configure("test", json=True)
    from opentelemetry import trace
    from plumbing import tracing
    tracing.configure("test", SimpleNamespace(trace_file=sys.argv[1], trace_console=False, trace_otlp_endpoint="",
                                       trace_sample_ratio=1.0))

    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from plumbing.edges.http import install_correlation
    get_logger("t").info("before.any.request")
    app = FastAPI(telemetry={"tracing": False})
    install_correlation(app)

    @app.get("/inside")
    async def inside():
        get_logger("t").info("handler.says")
        logging.getLogger("uvicorn.error").warning("framework says %s", "hi")
        return {}

    TestClient(app).get("/inside", headers={"X-Correlation-Id": "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"})
    trace.get_tracer_provider().force_flush()
""")


def test_with_tracing_on_a_line_written_inside_a_request_names_its_trace_and_its_span(tmp_path):
    spans_file = tmp_path / "spans.jsonl"
    done = subprocess.run([sys.executable, "-c", TRACED, str(spans_file)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    records = {r["event"]: r for r in (json.loads(line) for line in done.stderr.splitlines() if line.strip())}
    [server] = [json.loads(line) for line in spans_file.read_text().splitlines()
                if json.loads(line)["kind"] == "SpanKind.SERVER"]
    for event in ("handler.says", "framework says hi"):  # ours, and a framework's through the standard library
        assert records[event]["trace_id"] == "7d1c2b3a4e5f4a6b8c7d9e0f1a2b3c4d"
        assert "0x" + records[event]["span_id"] == server["context"]["span_id"]
    assert "span_id" not in records["before.any.request"]
