"""A door no one can hold shut (issue 19): 64 slow connections against the running intake, each kind
while another applicant's filings are accepted, and each slow connection closed within its bound.

- 64 that trickle their headers: the header read timeout (ZC_HEADER_READ_TIMEOUT_SECONDS, 10 s)
  answers each 408 and closes it (plumbing/edges/slow.py);
- 64 that trickle a body without a token: 401 from the headers alone, the connection closed at once,
  no place in flight taken (plumbing/edges/authenticate_first.py);
- 64 that trickle a body with one applicant's valid token: that applicant holds at most
  ZC_MAX_IN_FLIGHT_PER_PRINCIPAL (4) places, the other 60 are 503 at once; the 4 are answered 408
  when the body read timeout (10 s) passes and closed (plumbing/edges/inflight.py, slow.py).
"""
from __future__ import annotations

import asyncio
import contextlib
import json

import httpx
import pytest

from tests.e2e.api import applicant_token, filed_by, id_number_of, submit_body, with_approved_archive, with_new_id
from tests.fixtures.builders import normal_applicant

SLOW = 64
BOUND_S = 10  # the default header and body read timeouts of the stack's services
# How long a test waits for the closing, beyond the bound: the machine is shared, so an answer may
# be late; what is checked is that every slow connection is closed by the server, not how fast.
SLACK_S = 20
SLOW_ONE = "钱慢测"   # the applicant whose token the slow bodies carry
FILER = "孙快测"      # the applicant whose filings are accepted meanwhile


_READY: dict[str, object] = {}


@pytest.fixture
async def filing(stack, eventually):
    """A filing the other applicant can send again and again (a new application id each time): its
    unit authorised and its achievements approved once for the three tests."""
    if "app" not in _READY:
        app = filed_by(with_new_id(normal_applicant()), FILER)
        async with httpx.AsyncClient(timeout=60) as client:
            _READY["app"] = await with_approved_archive(client, stack, app, id_number_of(FILER), eventually)
    return _READY["app"]


async def _filings_accepted(stack, app, count: int = 3) -> list[int]:
    """The other applicant files `count` applications; their answers' status codes."""
    async with httpx.AsyncClient(timeout=60) as client:
        statuses = []
        for _ in range(count):
            fresh = filed_by(with_new_id(app), FILER)
            answer = await client.post(f"{stack.url('intake')}/applications", headers=applicant_token(id_number_of(FILER)),
                                       json=submit_body(fresh, id_number_of(FILER)))
            statuses.append(answer.status_code)
            assert answer.status_code == 201, answer.text
        return statuses


class Slow:
    """One raw connection that sends `head` at once, then `trickle` one byte every `pause` seconds
    until the server closes it. What the server sends is read from the start (a server that closes
    a connection with unread bytes resets it, and a reset discards what was not read yet)."""

    def __init__(self, url: str, head: bytes, trickle: bytes, pause: float = 0.25) -> None:
        self.address = httpx.URL(url)
        self.head, self.trickle, self.pause = head, trickle, pause
        self.received = b""

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.address.host, self.address.port)
        self.reading = asyncio.create_task(self._read())
        self.writer.write(self.head)
        self.task = asyncio.create_task(self._trickle())

    async def _trickle(self) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.drain()
            for byte in self.trickle:
                await asyncio.sleep(self.pause)
                if self.writer.is_closing() or self.reading.done():
                    return
                self.writer.write(bytes([byte]))
                await self.writer.drain()

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while chunk := await self.reader.read(65536):
                self.received += chunk

    async def answer(self, within: float) -> tuple[int | None, dict]:
        """(status, JSON body) of what the server sent before closing; fails if it never closes."""
        await asyncio.wait_for(asyncio.shield(self.reading), within)  # ends at the server's close
        self.task.cancel()
        self.writer.close()
        if not self.received:
            return None, {}
        head, _, body = self.received.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), json.loads(body) if body else {}


def _request_head(url: str, headers: dict, length: int) -> bytes:
    address = httpx.URL(url)
    lines = {"Host": f"{address.host}:{address.port}", "Content-Type": "application/json",
             "Content-Length": str(length), **headers}
    return ("POST /applications HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in lines.items()) + "\r\n").encode()


async def _all(slow: list[Slow], within: float) -> list[tuple[int | None, dict]]:
    return await asyncio.gather(*(s.answer(within) for s in slow))


def _bilingual(body: dict) -> bool:
    return bool(body.get("code") and body.get("message_zh") and body.get("message_en"))


async def test_sixty_four_connections_trickling_their_headers_are_answered_408_and_closed_while_filings_are_accepted(
        stack, filing):
    url = stack.url("intake")
    slow = [Slow(url, b"POST /applications HTTP/1.1\r\nHost: intake\r\n", b"X-Slow: " + b"a" * 400) for _ in range(SLOW)]
    await asyncio.gather(*(s.open() for s in slow))

    assert await _filings_accepted(stack, filing) == [201, 201, 201]
    answers = await _all(slow, BOUND_S + SLACK_S)
    assert {status for status, _ in answers} == {408}
    assert all(body["code"] == "REQUEST_TIMEOUT" and _bilingual(body) for _, body in answers)


async def test_sixty_four_bodies_trickled_without_a_token_are_refused_401_from_their_headers_and_closed(stack, filing):
    url = stack.url("intake")
    body = json.dumps(submit_body(filing, id_number_of(FILER))).encode()
    slow = [Slow(url, _request_head(url, {}, len(body)) + body[:20], body[20:]) for _ in range(SLOW)]
    await asyncio.gather(*(s.open() for s in slow))

    filed = asyncio.create_task(_filings_accepted(stack, filing))
    answers = await _all(slow, BOUND_S + SLACK_S)
    assert {status for status, _ in answers} == {401}
    assert all(_bilingual(body) for _, body in answers)
    assert await filed == [201, 201, 201]


async def test_sixty_four_bodies_trickled_with_one_applicants_token_hold_four_places_and_those_are_closed_408(
        stack, filing):
    url = stack.url("intake")
    slow_id = id_number_of(SLOW_ONE)
    body = json.dumps(submit_body(filed_by(with_new_id(filing), SLOW_ONE), slow_id)).encode()
    head = _request_head(url, applicant_token(slow_id), len(body))
    slow = [Slow(url, head + body[:20], body[20:]) for _ in range(SLOW)]
    await asyncio.gather(*(s.open() for s in slow))

    assert await _filings_accepted(stack, filing) == [201, 201, 201]
    answers = await _all(slow, BOUND_S + SLACK_S)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [408] * 4 + [503] * 60, statuses
    assert all(_bilingual(body) for _, body in answers)
    overloaded = next(body for status, body in answers if status == 503)
    assert overloaded["code"] == "OVERLOADED" and overloaded["details"]["max_in_flight_per_principal"] == 4
