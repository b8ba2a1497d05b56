"""The development SMS gateway: records each message in notify's sms_log table and the log, and
sends it to nobody (refused outside ZC_DEV_MODE; shown as "recorded, not sent").

Like a platform it answers a message id and lists what it recorded (by number, OutId = the dedup
key), so the dispatcher's status query works against it too; unlike one, a key already recorded is
not recorded again. Its log line names the template and the delivery (the dedup key), never the
text or the number: a text names the person (kept for ever in log files, where no erasure
reaches it). The text is in `sms_log`, which erasure scrubs."""
from __future__ import annotations

from datetime import date

import asyncpg

from plumbing.logging import get_logger
from services.notify.domain.provider import DeliveryState, GatewayResult, Listed, QueryResult, SmsRequest

log = get_logger(__name__)


class RecordingGateway:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def send(self, sms: SmsRequest) -> GatewayResult:
        # The text is our rendering of the template (the delivery row's), as a platform would send it.
        row = await self.pool.fetchrow(
            "WITH recorded AS (INSERT INTO sms_log (dedup_key, to_e164, text)"
            " SELECT $1, $2, coalesce((SELECT text FROM deliveries WHERE dedup_key = $1), '')"
            " ON CONFLICT DO NOTHING RETURNING true AS fresh)"
            " SELECT (SELECT fresh FROM recorded) AS fresh", sms.out_id, sms.phone)
        log.info("sms.recorded" if row["fresh"] else "sms.duplicate_key", template=sms.template_code,
                 delivery=sms.out_id)
        return GatewayResult(ok=True, attempts=1, provider_message_id=f"recorded-{sms.out_id[:16]}")

    async def query(self, phone: str, day: date) -> QueryResult:
        rows = await self.pool.fetch("SELECT dedup_key FROM sms_log WHERE to_e164 = $1", phone)
        return QueryResult(True, tuple(Listed(r["dedup_key"], f"recorded-{r['dedup_key'][:16]}", DeliveryState.SENT)
                                       for r in rows))
