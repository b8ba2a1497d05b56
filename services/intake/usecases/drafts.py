"""Drafts of the filing form are personal data kept for the season only: after it they go, whether
or not their applicant ever comes back (a periodic job, at most an hour late)."""
from __future__ import annotations

from datetime import datetime

from plumbing.logging import get_logger

log = get_logger(__name__)


async def expire_drafts(uow, now: datetime) -> int:
    async with uow() as u:
        gone = await u.ports.uploads.expire_drafts(now)
    if gone:
        log.info("intake.drafts_expired", drafts=gone)
    return gone
