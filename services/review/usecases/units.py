"""Approving a unit's authorization: stream `unit-<unit_id>`, published on the review topic
(key = unit_id) through the outbox in the append's transaction, like every case decision. In the
same unit of work the operator's contact is queued for the compacted personal-data topic, and the
contact of an operator it replaces is queued as a tombstone (erased)."""
from __future__ import annotations

from datetime import datetime

from contracts.envelope import Envelope
from plumbing.core.unit_of_work import UnitOfWork
from services.review.domain.unit_authorization import (
    AuthorizeUnit, decide_authorization, evolve_authorization, operator_record, superseded_operator, unit_stream)
from services.review.usecases.ports import ReviewPorts


async def authorize_unit(uow: UnitOfWork[ReviewPorts], command: AuthorizeUnit, *, now: datetime) -> list[Envelope]:
    stream = unit_stream(command.unit_id)
    current, version = await uow.get(stream, evolve_authorization)
    [event] = decide_authorization(current, command)
    stored = await uow.save(stream, [event], key=command.unit_id, expected_version=version, actor=command.actor,
                            occurred_at=now)
    await uow.ports.contacts.queue(event.operator_ref, operator_record(command))
    if replaced := superseded_operator(current, event):
        await uow.ports.contacts.queue(replaced, None)
    return stored
