"""The default SMS gateway: records each message in notify's sms_log table and the log.

It honours the dedup key like a real provider should: a key already recorded is not recorded
again, and the answer is the same success."""
from __future__ import annotations

import asyncpg

from plumbing.logging import get_logger
from services.notify.adapters.gateway_http import GatewayResult
from contracts.personal_data import mask_phone

log = get_logger(__name__)


class RecordingGateway:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def send(self, to: str, text: str, dedup_key: str) -> GatewayResult:
        fresh = await self.pool.fetchval(
            "INSERT INTO sms_log (dedup_key, to_e164, text) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING true",
            dedup_key, to, text)
        log.info("sms.recorded" if fresh else "sms.duplicate_key", to=mask_phone(to), text=text, dedup_key=dedup_key)
        return GatewayResult(ok=True, attempts=1, provider_message_id=dedup_key[:16])
