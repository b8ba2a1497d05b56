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
