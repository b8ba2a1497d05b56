"""(event type, schema version) -> payload model, and `decode`: the ONE way any code turns an
envelope (consumed, loaded from a stream, or projected) into its typed payload.

A payload written at an older version is upgraded through the upcaster chain before its model
validates it. A version the reader does not know (0, negative, or newer than its model) raises
`UnknownEventVersion`, a ValueError: the consumer dead-letters it at once instead of reading it
as something it is not.
"""
from __future__ import annotations

import inspect

from contracts import events
from contracts.envelope import Envelope
from contracts.events import Payload
from contracts.upcasters import UPCASTERS

_PARTS = {"RuleResult", "RouteResult", "ApplicationSummary", "ReturnedSection", "Acting", "Sealed"}
EVENT_TYPES: dict[str, type[Payload]] = {
    name: obj
    for name, obj in inspect.getmembers(events, inspect.isclass)
    if issubclass(obj, Payload) and obj is not Payload and obj.__module__ == events.__name__ and name not in _PARTS
}
# Every (event type, version) this code can read: each version from 1 up to its model's.
VERSIONS: frozenset[tuple[str, int]] = frozenset(
    (name, v) for name, model in EVENT_TYPES.items() for v in range(1, model.schema_version + 1))


class UnknownEventType(ValueError):
    pass


class UnknownEventVersion(ValueError):
    pass


def latest_version(event_type: str) -> int:
    return _model(event_type).schema_version


def _model(event_type: str) -> type[Payload]:
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventType(f"unknown event type {event_type!r}") from None


def decode_payload(event_type: str, schema_version: int, payload: dict) -> Payload:
    model = _model(event_type)
    if (event_type, schema_version) not in VERSIONS:
        raise UnknownEventVersion(f"{event_type} version {schema_version} is unknown here "
                                  f"(this reader knows 1..{model.schema_version})")
    for version in range(schema_version, model.schema_version):
        payload = UPCASTERS[(event_type, version)](payload)
    return model.model_validate(payload)


def decode(envelope: Envelope) -> Payload:
    """The envelope's payload as its current model, upcast from the version it was written at."""
    return decode_payload(envelope.event_type, envelope.schema_version, envelope.payload)
