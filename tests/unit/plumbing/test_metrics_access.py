"""/metrics is open to loopback clients; anyone else needs the metrics token (none: nobody)."""
from __future__ import annotations

import pytest
from starlette.requests import Request

from plumbing.edges.metrics import may_read_metrics


def request(host: str, authorization: str | None = None) -> Request:
    headers = [(b"authorization", authorization.encode())] if authorization else []
    return Request({"type": "http", "method": "GET", "path": "/metrics", "headers": headers, "client": (host, 4711)})


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.1", "::1"])
def test_a_loopback_client_reads_metrics_without_a_token(host, monkeypatch):
    monkeypatch.delenv("ZC_METRICS_TOKEN", raising=False)
    assert may_read_metrics(request(host))


def test_a_remote_client_is_refused_when_no_metrics_token_is_configured(monkeypatch):
    monkeypatch.delenv("ZC_METRICS_TOKEN", raising=False)
    assert not may_read_metrics(request("10.1.2.3", "Bearer "))
    assert not may_read_metrics(request("10.1.2.3"))


def test_a_remote_client_needs_exactly_the_metrics_token(monkeypatch):
    monkeypatch.setenv("ZC_METRICS_TOKEN", "s3cret")
    assert may_read_metrics(request("10.1.2.3", "Bearer s3cret"))
    assert not may_read_metrics(request("10.1.2.3", "Bearer wrong"))
    assert not may_read_metrics(request("10.1.2.3"))
    assert not may_read_metrics(request("not-an-address", "Bearer wrong"))
