"""Approving a unit's authorization: stream `unit-<unit_id>`, published on the review topic
(key = unit_id) through the outbox in the append's transaction, like every case decision. In the
same transaction the operator's contact is queued for the compacted personal-data topic, and the
contact of an operator it replaces is queued as a tombstone (erased)."""
from __future__ import annotations

from datetime import datetime

import asyncpg

from contracts.envelope import Envelope
from plumbing.core.application import Recorder
from plumbing.core.personal_publisher import queue_record
from services.review.domain.unit_authorization import (
    AuthorizeUnit, decide_authorization, evolve_authorization, operator_record, superseded_operator, unit_stream)


async def authorize_unit(recorder: Recorder, pool: asyncpg.Pool, command: AuthorizeUnit, *,
                         now: datetime) -> list[Envelope]:
    stream = unit_stream(command.unit_id)
    async with pool.acquire() as conn, conn.transaction():
        current, version = await recorder.repository(evolve_authorization).get(stream, conn)
        [event] = decide_authorization(current, command)
        stored = await recorder.save(stream, [event], key=command.unit_id, expected_version=version,
                                     actor=command.actor, conn=conn, occurred_at=now)
        await queue_record(conn, event.operator_ref, operator_record(command))
        if replaced := superseded_operator(current, event):
            await queue_record(conn, replaced, None)
        return stored
