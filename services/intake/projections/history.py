"""intake's read models that are folds of its own history: `open_returns` (ReturnReceived opens a
return, a resubmission closes it) and `person_filings` (who filed which application, with which
photo: what an erasure must reach).

Live, each row is written in the transaction that records its event (the Returned reaction, the
filing use cases) through the same ports; `apply` writes them again from the stored events, so
`zc replay intake.history` rebuilds both from the store (plumbing/core/rebuild.py).
"""
from __future__ import annotations

from collections.abc import Sequence

from contracts.events import ApplicationResubmitted, ApplicationSubmitted, ReturnReceived
from contracts.registry import decode
from plumbing.core.eventstore import Stored
from services.intake.usecases.ports import IntakePorts, ReturnOpen

TABLES = ["open_returns", "person_filings"]
WANTED = frozenset({"ApplicationSubmitted", "ApplicationResubmitted", "ReturnReceived"})


async def apply(ports: IntakePorts, events: Sequence[Stored]) -> None:
    for stored in events:
        if stored.envelope.event_type not in WANTED:
            continue
        event = decode(stored.envelope)
        if isinstance(event, ReturnReceived):
            await ports.returns.open(ReturnOpen.of(event))
            continue
        if isinstance(event, ApplicationSubmitted | ApplicationResubmitted):
            app = event.application
            await ports.filings.filed(app.applicant.person_ref, app.application_id,
                                      app.photo.sha256 if app.photo else None)
        if isinstance(event, ApplicationResubmitted):
            await ports.returns.close(event.application.application_id)
