"""The delivery view of one application (every planned SMS, its recipient masked, its status, and
the notifications that failed) and of the deadline reminders."""
from __future__ import annotations

import uuid

from plumbing.core.unit_of_work import UnitOfWork
from services.notify.usecases.ports import NotifyPorts


async def delivery_status(uow: UnitOfWork[NotifyPorts], application_id: uuid.UUID) -> dict:
    return {"application_id": str(application_id),
            "deliveries": await uow.ports.deliveries.of_application(application_id),
            "failures": await uow.ports.failures.of_application(application_id)}


async def reminder_status(uow: UnitOfWork[NotifyPorts]) -> dict:
    """Every deadline reminder planned: recipient, deadline, cases, and its delivery or failure."""
    return {"reminders": await uow.ports.reminders.report()}


async def my_deliveries(uow: UnitOfWork[NotifyPorts], application_id: uuid.UUID, person_ref: str) -> list[dict]:
    """The SMS sent to this person about this application: what the applicant's status page lists.
    Someone else's application lists nothing."""
    if not person_ref:
        return []
    rows = await uow.ports.deliveries.of_application(application_id, person_ref=person_ref)
    return [{k: r[k] for k in ("template", "recipient_masked", "text", "status", "sent_at")} for r in rows]
