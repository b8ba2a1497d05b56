"""A person's tombstone on the personal-data topic reached notify (plumbing/core/personal_data.py has
already deleted their personal_data row): every SMS still waiting for them fails as
NotificationFailed with the reason, and the texts and numbers of the ones already sent are scrubbed
from notify's tables (the deliveries and the recording gateway's log). What stays: the pseudonymous
NotificationSent/Failed events (template, masked number, no text)."""
from __future__ import annotations

from contracts.events import NotificationFailed
from plumbing.core.unit_of_work import UnitOfWork
from plumbing.logging import get_logger
from services.notify.domain.recipients import ERASED_REASON
from services.notify.usecases.ports import NotifyPorts
from services.notify.usecases.recording import append_outcome

log = get_logger(__name__)


async def when_person_erased(uow: UnitOfWork[NotifyPorts], person_ref: str) -> None:
    pending = await uow.ports.deliveries.pending_of(person_ref)
    for p in pending:
        failed = NotificationFailed(notification_id=p.notification_id, application_id=p.application_id,
                                    template=p.template, recipient_masked=p.recipient_masked, reason=ERASED_REASON,
                                    dedup_key=p.dedup_key, caused_by_event_id=p.caused_by_event_id)
        await append_outcome(uow, failed, p.correlation_id)
    scrubbed = await uow.ports.deliveries.scrub(person_ref, ERASED_REASON)
    log.info("notify.person_erased", failed=len(pending), scrubbed=scrubbed)
