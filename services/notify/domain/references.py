"""Which application an upstream event is about. Notify plans messages about an application only
once it has seen it filed: the eligibility and review topics are not ordered with the applications
topic, so an assessment or a review step can overtake its filing (plumbing/core/references.py)."""
from __future__ import annotations

import uuid

from contracts.events import ApplicationResubmitted, ApplicationSubmitted, Payload

FILINGS = (ApplicationSubmitted, ApplicationResubmitted)  # what makes an application known to notify


def referred_application(event: Payload) -> uuid.UUID | None:
    """The application an event refers to and that must be known first; None for a filing (it is
    what gets referred to) and for events about no application (a unit's authorisation, a reminder)."""
    if isinstance(event, FILINGS):
        return None
    application_id = getattr(event, "application_id", None)
    return application_id if isinstance(application_id, uuid.UUID) else None
