"""event_type -> payload model, and the parse/dump helpers every consumer uses."""
from __future__ import annotations

import inspect

from contracts import events
from contracts.events import Payload

EVENT_TYPES: dict[str, type[Payload]] = {
    name: obj
    for name, obj in inspect.getmembers(events, inspect.isclass)
    if issubclass(obj, Payload) and obj is not Payload and obj.__module__ == events.__name__
    and name not in {"RuleResult", "RouteResult", "ApplicationSummary", "ReturnedSection"}
}


class UnknownEventType(ValueError):
    pass


def parse_payload(event_type: str, payload: dict) -> Payload:
    try:
        model = EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventType(f"unknown event type {event_type!r}") from None
    return model.model_validate(payload)
