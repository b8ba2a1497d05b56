import uuid

from contracts.envelope import SYSTEM_ACTOR
from contracts.events import ApplicationWithdrawn
from plumbing.core.eventstore import NewEvent


def withdrawn(app_id: uuid.UUID, n: int = 0, event_id: uuid.UUID | None = None) -> NewEvent:
    extra = {"event_id": event_id} if event_id else {}
    return NewEvent(ApplicationWithdrawn(application_id=app_id, reason=f"r{n}"), SYSTEM_ACTOR,
                    correlation_id=app_id, **extra)
