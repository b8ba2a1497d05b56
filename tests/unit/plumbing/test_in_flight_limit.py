"""The in-flight bound of a door (plumbing/edges/inflight.py), on a bare ASGI app: over the bound a guarded
request is answered 503 OVERLOADED with Retry-After without reaching the app; a request that ends,
even by an error, frees its place; unguarded requests are never counted."""
import asyncio
import json

import pytest

from plumbing.edges import inflight
from plumbing.edges.inflight import InFlightLimit


class QuietLog:
    """The refusal's log line, kept: an earlier test may have bound structlog to a closed stdout."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, dict]] = []

    def info(self, event: str, **fields) -> None:
        self.lines.append((event, fields))


@pytest.fixture(autouse=True)
def log(monkeypatch) -> QuietLog:
    quiet = QuietLog()
    monkeypatch.setattr(inflight, "log", quiet)
    return quiet


class App:
    """An ASGI app whose requests wait until released (or fail, when told to)."""

    def __init__(self) -> None:
        self.release, self.reached = asyncio.Event(), 0

    async def __call__(self, scope, receive, send) -> None:
        self.reached += 1
        await self.release.wait()
        if scope["path"] == "/boom":
            raise RuntimeError("the route failed")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _call(door, path: str, method: str = "POST") -> tuple[int, dict, bytes]:
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)
    await door({"type": "http", "method": method, "path": path, "headers": []}, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


def _door(app: App, limit: int) -> InFlightLimit:
    return InFlightLimit(app, limit, lambda method, path: method == "POST" and path.startswith("/applications"))


async def test_a_guarded_request_over_the_bound_is_answered_503_overloaded_without_reaching_the_app(log):
    app = App()
    door = _door(app, 2)
    held = [asyncio.create_task(_call(door, "/applications")) for _ in range(2)]
    await asyncio.sleep(0.01)
    status, headers, body = await _call(door, "/applications")
    assert status == 503 and int(headers["retry-after"]) >= 1
    refusal = json.loads(body)
    assert refusal["code"] == "OVERLOADED" and refusal["message_zh"] and refusal["message_en"]
    assert app.reached == 2 and [event for event, _ in log.lines] == ["http.refused"]
    app.release.set()
    assert [s for s, _, _ in await asyncio.gather(*held)] == [200, 200]
    assert door.in_flight == 0


async def test_unguarded_requests_pass_and_are_not_counted_while_the_door_is_full():
    app = App()
    door = _door(app, 1)
    held = asyncio.create_task(_call(door, "/applications"))
    await asyncio.sleep(0.01)
    others = [asyncio.create_task(_call(door, "/healthz", method="GET")), asyncio.create_task(_call(door, "/archive"))]
    await asyncio.sleep(0.01)
    assert app.reached == 3 and door.in_flight == 1  # the full door let them in, uncounted
    app.release.set()
    assert [s for s, _, _ in await asyncio.gather(held, *others)] == [200, 200, 200]


async def test_a_request_that_fails_frees_its_place():
    app = App()
    door = InFlightLimit(app, 1, lambda method, path: True)
    app.release.set()
    with pytest.raises(RuntimeError):
        await _call(door, "/boom")
    assert door.in_flight == 0
    assert (await _call(door, "/applications"))[0] == 200
