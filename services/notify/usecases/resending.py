"""`zc sms resend DELIVERY_ID`: an operator sends again a delivery whose fate the platform never
told (`unknown`: a try without an answer, not listed by the status query within the bound). Only
this sends such a message again: the operator has checked with the platform or the person that it
did not arrive. Any other state is refused: a sent, failed or still-checking delivery is not resent."""
from __future__ import annotations

import uuid
from datetime import datetime

from contracts.errors import Conflict, NotFound
from plumbing.core.unit_of_work import UnitOfWork
from plumbing.logging import get_logger
from services.notify.usecases.ports import NotifyPorts

log = get_logger(__name__)


async def resend(uow: UnitOfWork[NotifyPorts], notification_id: uuid.UUID, by: str, now: datetime) -> dict:
    before = await uow.ports.deliveries.resend(notification_id, by, now)
    if before is None:
        raise NotFound("没有该短信记录", f"no delivery {notification_id}", code="DELIVERY_NOT_FOUND")
    if before != "unknown":
        raise Conflict(f"该短信状态为 {before}，只有状态未知的短信可以重发",
                       f"the delivery is {before}: only an unknown one can be sent again", code="DELIVERY_NOT_UNKNOWN",
                       details={"status": before})
    log.warning("notify.sms_resend", delivery=str(notification_id), by=by)
    return {"notification_id": str(notification_id), "status": "pending", "resent_by": by}
