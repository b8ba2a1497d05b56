"""The default SMS gateway: records each message in notify's sms_log table and the log.

It honours the dedup key like a real provider should: a key already recorded is not recorded
again, and the answer is the same success. Its log line names the template and the delivery (the
dedup key, the primary key of `deliveries`), never the text: a text names the person (kept for
ever in log files, where no erasure reaches it). The text is in `sms_log`, which erasure scrubs."""
from __future__ import annotations

import asyncpg

from plumbing.logging import get_logger
from services.notify.adapters.gateway_http import GatewayResult

log = get_logger(__name__)


class RecordingGateway:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def send(self, to: str, text: str, dedup_key: str) -> GatewayResult:
        row = await self.pool.fetchrow(
            "WITH recorded AS (INSERT INTO sms_log (dedup_key, to_e164, text) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING RETURNING true AS fresh)"
            " SELECT (SELECT fresh FROM recorded) AS fresh,"
            " (SELECT template FROM deliveries WHERE dedup_key = $1) AS template", dedup_key, to, text)
        log.info("sms.recorded" if row["fresh"] else "sms.duplicate_key", template=row["template"] or "",
                 delivery=dedup_key)
        return GatewayResult(ok=True, attempts=1, provider_message_id=dedup_key[:16])
