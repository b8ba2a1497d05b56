"""The generator sends a request again when its connection broke under it (a keep-alive connection
the server closed as it was reused), a bounded number of times; a 409 after such a retry is the first
attempt's success; a request that timed out is not sent again (its answer, not its connection, is late)."""
from __future__ import annotations

import httpx

from zc.load import generator
from zc.load.generator import Step, StepConfig


class FlakyHttp:
    def __init__(self, *outcomes) -> None:
        self.outcomes, self.calls = list(outcomes), []

    async def post(self, url, json=None, headers=None):
        self.calls.append(headers)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return httpx.Response(outcome, json={})


def _step(http: FlakyHttp) -> Step:
    step = Step(StepConfig(intake="http://intake.invalid", review="http://review.invalid", rate=1, seconds=0, units=1))
    step.http = http
    return step


async def test_a_broken_connection_is_retried_with_the_same_idempotency_key():
    http = FlakyHttp(httpx.ReadError(""), 201)
    step = _step(http)
    assert await step.post("http://intake.invalid/applications", {}, "t", key="bench-1") == 201
    assert [h["Idempotency-Key"] for h in http.calls] == ["bench-1", "bench-1"] and step.out.errors == []


async def test_a_409_after_a_retry_is_the_first_attempts_success_but_not_on_a_first_attempt():
    step = _step(FlakyHttp(httpx.RemoteProtocolError("closed"), 409))
    assert await step.post("http://review.invalid/archive/e/review", {}, "t") == 409
    assert step.out.errors == []
    step = _step(FlakyHttp(409))
    assert await step.post("http://review.invalid/archive/e/review", {}, "t") == 409
    assert len(step.out.errors) == 1


async def test_retries_are_bounded_and_the_failure_is_recorded():
    broken = [httpx.ReadError("") for _ in range(generator.CONNECTION_RETRIES + 1)]
    http = FlakyHttp(*broken)
    step = _step(http)
    assert await step.post("http://review.invalid/archive", {}, "t") == 0
    assert len(http.calls) == generator.CONNECTION_RETRIES + 1
    assert len(step.out.errors) == 1 and "attempts" in step.out.errors[0]


async def test_a_timeout_is_not_sent_again():
    http = FlakyHttp(httpx.ReadTimeout("slow"), 201)
    step = _step(http)
    assert await step.post("http://intake.invalid/applications", {}, "t", key="bench-2") == 0
    assert len(http.calls) == 1 and len(step.out.errors) == 1
