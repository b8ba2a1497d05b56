"""A person's tombstone on the personal-data topic reached notify (plumbing/core/personal_data.py has
already deleted their personal_data row): every SMS still waiting for them fails as
NotificationFailed with the reason, and the texts and numbers of the ones already sent are scrubbed
from notify's tables (the deliveries and the recording gateway's log). What stays: the pseudonymous
NotificationSent/Failed events (template, masked number, no text)."""
from __future__ import annotations

from contracts.events import NotificationFailed
from plumbing.core.application import Recorder
from plumbing.logging import get_logger
from services.notify.domain.recipients import ERASED_REASON
from services.notify.usecases.recording import append_outcome

log = get_logger(__name__)


def when_person_erased(recorder: Recorder):
    async def erase(conn, person_ref: str) -> None:
        pending = await conn.fetch("SELECT * FROM deliveries WHERE person_ref = $1 AND status = 'pending'", person_ref)
        for row in pending:
            failed = NotificationFailed(notification_id=row["notification_id"], application_id=row["application_id"],
                                        template=row["template"], recipient_masked=row["recipient_masked"],
                                        reason=ERASED_REASON, dedup_key=row["dedup_key"],
                                        caused_by_event_id=row["caused_by_event_id"])
            await append_outcome(recorder, conn, failed, row["correlation_id"])
        keys = await conn.fetch(
            "UPDATE deliveries SET status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,"
            " last_error = CASE WHEN status = 'pending' THEN $2 ELSE last_error END, to_e164 = '', text = ''"
            " WHERE person_ref = $1 RETURNING dedup_key", person_ref, ERASED_REASON)
        await conn.execute("DELETE FROM sms_log WHERE dedup_key = ANY($1::text[])", [k["dedup_key"] for k in keys])
        log.info("notify.person_erased", failed=len(pending), scrubbed=len(keys))
    return erase
