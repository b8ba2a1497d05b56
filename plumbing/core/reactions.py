"""`Reactions`: the typed table a consumer runs. A reaction receives the decoded payload and a
`Context` (plumbing.core.application) and returns the appends it decided; the table runs them in a unit
of work joining the consumer's transaction (plumbing.core.unit_of_work builds on the application module,
and this module on both, so none of the three imports another in a circle)."""
from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from contracts.envelope import Envelope
from contracts.events import Payload
from contracts.registry import decode
from plumbing.core.application import Append, Context, React, Recorder
from plumbing.core.causes import Cause, caused_by
from plumbing.core.decoding import BadRecord
from plumbing.core.unit_of_work import PostgresUnitOfWork


def _payload_types(react: React) -> tuple[type[Payload], ...]:
    """The payload types a reaction declares in its first parameter's annotation (a union: several)."""
    first = next(iter(inspect.signature(react).parameters), None)
    hint = typing.get_type_hints(react).get(first)
    members = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if not members or not all(isinstance(m, type) and issubclass(m, Payload) for m in members):
        raise TypeError(f"{react.__qualname__}: annotate the first parameter with the payload type(s) it reacts to")
    return members


class Reactions:
    """event type -> reactions, run in registration order inside the consumer's transaction.

    `handle` and `wants` are what `plumbing.core.consumer.IdempotentConsumer` takes. A payload that cannot
    be decoded (an unknown or newer schema version, a malformed body) raises UnknownEventVersion or
    BadRecord, which the consumer dead-letters at once; any other exception is retried, then parked.
    """

    def __init__(self, recorder: Recorder | None = None, ports: Callable[[Any], Any] = lambda _conn: None) -> None:
        self.recorder, self.ports = recorder, ports
        self._table: dict[str, list[React]] = {}

    def add(self, react: React, *payload_types: type[Payload]) -> Reactions:
        for payload_type in payload_types or _payload_types(react):
            self._table.setdefault(payload_type.__name__, []).append(react)
        return self

    def wants(self, envelope: Envelope) -> bool:
        return envelope.event_type in self._table

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(self._table)

    async def handle(self, conn, envelope: Envelope) -> None:
        """The consumer's handler: the reactions in a unit of work joining its transaction."""
        if envelope.event_type not in self._table:
            return
        async with PostgresUnitOfWork(None, self.recorder, self.ports, conn=conn) as uow:
            await self.react(uow, envelope)

    async def react(self, uow, envelope: Envelope) -> None:
        """Run the reactions to `envelope` in `uow` (PostgreSQL's, or an in-memory one in tests) and
        save what they ask to record."""
        reactions = self._table.get(envelope.event_type, [])
        if not reactions:
            return
        try:
            payload = decode(envelope)
        except ValidationError as exc:  # the payload does not fit its model: no fix of ours helps
            raise BadRecord("UNDECODABLE_PAYLOAD", f"{envelope.event_type} v{envelope.schema_version}: {exc}") from None
        with caused_by(Cause.of(envelope)) as cause:
            ctx = Context(envelope, uow, cause)
            for react in reactions:
                for append in _appends(await react(payload, ctx)):
                    await uow.save(append.stream_id, append.payloads, key=append.key,
                                   expected_version=append.expected_version, actor=append.actor, cause=cause)


def _appends(result: Append | Sequence[Append] | None) -> Sequence[Append]:
    if result is None:
        return ()
    return (result,) if isinstance(result, Append) else result
