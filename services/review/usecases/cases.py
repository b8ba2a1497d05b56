"""Review's use cases around the pure domain: load a case, authorise, decide, append.

Every decision is appended with the expected stream version, so two reviewers acting on one case
at once cannot both win (the loser gets 409 CONCURRENT_CHANGE and nothing changes).
"""
from __future__ import annotations

import uuid
from datetime import datetime

from contracts import topics
from contracts.envelope import SYSTEM_ACTOR, Actor, Envelope
from contracts.errors import Conflict, NotFound
from contracts.events import ApplicationWithdrawn, CaseClosed
from contracts.plan import Plan
from contracts.registry import parse_payload
from plumbing import clock
from plumbing.eventstore import EventStore, NewEvent
from services.review.domain import archive as archive_domain
from services.review.domain.authorization import Principal, authorize
from services.review.domain.case import Case, fold
from services.review.domain.commands import Command
from services.review.domain.decide import decide


def case_stream(application_id: uuid.UUID) -> str:
    return f"case-{application_id}"


def archive_stream(entry_id: str) -> str:
    return f"archive-{entry_id}"


def withdrawn_before_open(event_types: list[str]) -> bool:
    """A case stream that starts with CaseClosed: the application was withdrawn before it opened."""
    return bool(event_types) and event_types[0] == "CaseClosed"


async def load_case(store: EventStore, application_id: uuid.UUID, conn=None) -> tuple[Case | None, int]:
    envelopes = await store.load_stream(case_stream(application_id), conn)
    if withdrawn_before_open([e.event_type for e in envelopes]):
        raise Conflict("该申报在受理前已撤回", "the application was withdrawn before its case opened",
                       code="WITHDRAWN_BEFORE_OPEN")
    case = fold(parse_payload(e.event_type, e.payload) for e in envelopes)
    return case, (envelopes[-1].stream_version if envelopes else 0)


async def mark_withdrawn_before_open(store: EventStore, withdrawn: ApplicationWithdrawn, cause: Envelope,
                                     conn) -> None:
    closed = CaseClosed(application_id=withdrawn.application_id, final_status="withdrawn", level=None)
    event = NewEvent(closed, SYSTEM_ACTOR, correlation_id=cause.correlation_id, causation_id=cause.event_id,
                     occurred_at=clock.now(), event_id=uuid.uuid5(cause.event_id, "0"))
    await store.append(case_stream(withdrawn.application_id), 0, [event], topic=topics.review(),
                       key=str(withdrawn.application_id), conn=conn)


async def require_case(store: EventStore, application_id: uuid.UUID) -> tuple[Case, int]:
    case, version = await load_case(store, application_id)
    if case is None:
        raise NotFound("未找到该申报的审核记录", "no review case for this application")
    return case, version


async def execute(store: EventStore, plan: Plan, command: Command, *, now: datetime, principal: Principal | None = None,
                  correlation_id: uuid.UUID | None = None, causation_id: uuid.UUID | None = None,
                  event_id: uuid.UUID | None = None, conn=None,
                  loaded: tuple[Case | None, int] | None = None) -> list[dict]:
    """Decide `command` on its case and append the outcome. `principal` is None for system commands
    (consumers), which the composition root trusts. `loaded`: the case the caller already loaded."""
    case, version = loaded or await load_case(store, command.application_id, conn)
    if principal is not None:
        authorize(principal, command.action, case)
    payloads = decide(case, command, now=now, plan=plan)
    return await _append(store, case_stream(command.application_id), version, payloads, command.actor,
                         correlation_id or command.application_id, causation_id, now, str(command.application_id),
                         conn, event_id)


async def _append(store, stream, version, payloads, actor: Actor, correlation_id, causation_id, now, key, conn,
                  first_event_id=None) -> list[dict]:
    events = [NewEvent(p, actor, correlation_id=correlation_id, causation_id=causation_id, occurred_at=now,
                       # A consumer's reaction gets ids derived from its cause, so a retry is a no-op.
                       **({"event_id": uuid.uuid5(first_event_id, str(i))} if first_event_id else {}))
              for i, p in enumerate(payloads)]
    stored = await store.append(stream, version, events, topic=topics.review(), key=key, conn=conn)
    return [{"event_id": str(e.event_id), "event_type": e.event_type, "stream_version": e.stream_version}
            for e in stored]


async def load_entry(store: EventStore, entry_id: str) -> tuple[archive_domain.ArchiveEntry | None, int]:
    entry, version = None, 0
    for env in await store.load_stream(archive_stream(entry_id)):
        entry = archive_domain.evolve_archive(entry, parse_payload(env.event_type, env.payload))
        version = env.stream_version
    return entry, version


async def execute_archive(store: EventStore, command, *, now: datetime, key: str) -> list[dict]:
    entry, version = await load_entry(store, command.entry_id)
    payloads = archive_domain.decide_archive(entry, command)
    return await _append(store, archive_stream(command.entry_id), version, payloads, command.actor,
                         uuid.uuid5(uuid.NAMESPACE_URL, command.entry_id), None, now, key, None)
