"""What caused the work in progress: the correlation id of the whole story (one filing, from its
HTTP request to its last SMS) and the causation id of the one thing that caused this step.

At the HTTP edge the request's `X-Correlation-Id` (or the trace id of a W3C `traceparent`) becomes
the correlation id and a fresh id names the request itself (the causation of what it decides).
A consumer's cause is the envelope it handles: same correlation id, causation = that event's id,
and event ids derived from it, so a redelivered event appends the same ids (a no-op).
Both ids sit in a context variable and on every log line while the work runs.
"""
from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass

import structlog

from contracts.envelope import Envelope

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


@dataclass(frozen=True)
class Cause:
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None = None
    # When set, event ids are derived from it (a retried reaction writes the same ids).
    id_seed: uuid.UUID | None = None

    @classmethod
    def of(cls, envelope: Envelope) -> Cause:
        return cls(envelope.correlation_id, envelope.event_id, envelope.event_id)

    @classmethod
    def new(cls) -> Cause:
        """A story that starts here (a scheduled job, a command-line tool)."""
        return cls(uuid.uuid4(), uuid.uuid4())

    def event_id(self, stream_id: str, index: int) -> uuid.UUID:
        return uuid.uuid5(self.id_seed, f"{stream_id}/{index}") if self.id_seed else uuid.uuid4()


_current: ContextVar[Cause | None] = ContextVar("zhicheng_cause", default=None)


def current() -> Cause:
    """The cause bound by the HTTP edge or the consumer; a new story when nothing is bound."""
    return _current.get() or Cause.new()


@contextlib.contextmanager
def caused_by(cause: Cause) -> Iterator[Cause]:
    """Bind `cause` for the work inside: events it saves and every log line it writes carry it."""
    token = _current.set(cause)
    # The correlation id is the W3C trace id when the request came with a traceparent: the same 128
    # bits, written as traces write them, so log lines and traces are found by one id.
    ids = {"correlation_id": str(cause.correlation_id), "trace_id": cause.correlation_id.hex}
    if cause.causation_id:
        ids["causation_id"] = str(cause.causation_id)
    with structlog.contextvars.bound_contextvars(**ids):
        try:
            yield cause
        finally:
            _current.reset(token)


def correlation_from(headers: Mapping[str, str]) -> uuid.UUID:
    """X-Correlation-Id (a UUID, or any text, which names a UUID), else traceparent's trace id, else new."""
    given = (headers.get("x-correlation-id") or "").strip()
    if given:
        try:
            return uuid.UUID(given)
        except ValueError:
            return uuid.uuid5(uuid.NAMESPACE_URL, f"correlation:{given[:200]}")
    if match := _TRACEPARENT.match((headers.get("traceparent") or "").strip().lower()):
        return uuid.UUID(match.group(1))
    return uuid.uuid4()


def from_request(headers: Mapping[str, str]) -> Cause:
    """An HTTP request's cause: its correlation id, and a new id for the request itself."""
    return Cause(correlation_from(headers), uuid.uuid4())
