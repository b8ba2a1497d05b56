"""Read timeouts at the protocol level: a request's headers, then its body, must arrive in time.

uvicorn bounds only the idle time between requests (keep-alive, reset by every byte received): a
client that sends one header byte every few seconds holds its connection for ever, and one that
sends its headers and trickles its body holds a request in flight for ever. ASGI middleware cannot
bound the first (it runs only once the headers are complete), so the bound sits in the HTTP
protocol itself: `bounded_protocol` gives uvicorn's h11 protocol two deadlines per request.

- headers: from the connection's start (or the previous answer) until the request line and every
  header have arrived, at most `header_s`; not extended by the bytes that trickle in.
- body: from the headers until the body's last byte, at most `body_s`.

Past a deadline the client gets `408 REQUEST_TIMEOUT` with the bilingual body (unless its answer has
already started) and the connection is closed: a route waiting for that body sees a disconnect and
ends, so its place in the in-flight bound is given back. A request answered before its body was
read (401, 503) is also closed when its body deadline passes, if the client has not closed it.
"""
from __future__ import annotations

import asyncio
import json

from uvicorn.protocols.http.h11_impl import H11Protocol

from contracts.errors import problem_body

from plumbing.logging import get_logger

log = get_logger(__name__)


def timeout_answer(what: str, seconds: float) -> bytes:
    body = json.dumps(problem_body(408, "REQUEST_TIMEOUT",
                                   f"请求发送超时：{seconds:g}秒内未收到完整的请求{'头' if what == 'headers' else '内容'}",
                                   f"the request's {what} did not arrive within {seconds:g} s"),
                      ensure_ascii=False).encode()
    return (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\nconnection: close\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


class BoundedReadsProtocol(H11Protocol):
    """uvicorn's h11 protocol with the two read deadlines above (set by `bounded_protocol`)."""

    header_s: float = 10.0
    body_s: float = 10.0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._waiting_for: str = ""  # "headers", "body" or "" (nothing is being read)
        self._cycle_seen = None

    def _arm(self, what: str, seconds: float) -> None:
        self._disarm()
        self._waiting_for = what
        self._deadline = self.loop.call_later(seconds, self._expired, what, seconds)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline, self._waiting_for = None, ""

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm("headers", self.header_s)

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        cycle = self.cycle
        if cycle is not None and cycle is not self._cycle_seen:  # a request's headers arrived
            self._cycle_seen = cycle
            if cycle.more_body:
                self._arm("body", self.body_s)
            else:
                self._disarm()
        elif self._waiting_for == "body" and cycle is not None and not cycle.more_body:
            self._disarm()  # the body is complete

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._waiting_for == "body" and self.cycle is not None and self.cycle.more_body:
            return  # answered before its body was read: the body deadline still closes it
        if not self.transport.is_closing():
            self._arm("headers", self.header_s)  # the next request's headers (keep-alive may close first)

    def _expired(self, what: str, seconds: float) -> None:
        self._deadline, self._waiting_for = None, ""
        if self.transport is None or self.transport.is_closing():
            return
        answered = self.cycle is not None and self.cycle.response_started and what == "body"
        log.info("http.refused", status=408, code="REQUEST_TIMEOUT", waiting_for=what, seconds=seconds,
                 answered_already=answered)
        if not answered:
            self.transport.write(timeout_answer(what, seconds))
        self.transport.close()  # connection_lost follows: a route still reading sees a disconnect


def bounded_protocol(header_s: float, body_s: float) -> type[BoundedReadsProtocol]:
    return type("BoundedReads", (BoundedReadsProtocol,), {"header_s": header_s, "body_s": body_s})
