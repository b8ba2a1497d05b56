import uuid

from contracts.envelope import SYSTEM_ACTOR
from contracts.events import ApplicationWithdrawn
from plumbing.core.eventstore import NewEvent


def withdrawn(app_id: uuid.UUID, n: int = 0, event_id: uuid.UUID | None = None) -> NewEvent:
    extra = {"event_id": event_id} if event_id else {}
    return NewEvent(ApplicationWithdrawn(application_id=app_id, reason=f"r{n}"), SYSTEM_ACTOR,
                    correlation_id=app_id, **extra)


def deriving_handler(store, handled: list):
    """A consumer's handler that records each event id it is given in `handled` and appends one
    derived event per application in the consumer's transaction: a second handling would show as a
    second id in `handled` and a version conflict in the derived stream."""
    async def handler(conn, envelope):
        app = uuid.UUID(envelope.payload["application_id"])
        handled.append(envelope.event_id)
        await store.append(f"derived-{app}", None, [NewEvent(withdrawn(app).payload, envelope.actor,
                           envelope.correlation_id, causation_id=envelope.event_id)], topic="out", conn=conn)
    return handler
