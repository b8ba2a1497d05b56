"""Intake's use cases: submit, resubmit after a return, withdraw. Each loads the application's
stream, lets the pure domain decide, and appends (with outbox rows) in the caller's transaction."""
from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from contracts import topics
from contracts.application import Application
from contracts.envelope import Actor
from contracts.errors import InvalidInput
from plumbing.eventstore import EventStore, NewEvent
from services.intake.domain import filing
from services.intake.domain.citations import ArchiveRecord, citation_problems, with_archive_facts
from services.intake.domain.filing import Filing, OpenReturn


def stream_of(application_id: uuid.UUID) -> str:
    return f"application-{application_id}"


async def load_filing(store: EventStore, conn, application_id: uuid.UUID) -> tuple[Filing | None, int]:
    from contracts.registry import parse_payload

    state, version = None, 0
    for env in await store.load_stream(stream_of(application_id), conn):
        state, version = filing.evolve(state, parse_payload(env.event_type, env.payload)), env.stream_version
    return state, version


async def _append(store, conn, application_id, version, payloads, actor, now) -> list[str]:
    events = [NewEvent(p, actor, correlation_id=application_id, occurred_at=now) for p in payloads]
    stored = await store.append(stream_of(application_id), version, events, topic=topics.applications(),
                                key=str(application_id), conn=conn)
    return [str(e.event_id) for e in stored]


async def _store_photo(conn: asyncpg.Connection, application: Application, photo: bytes | None) -> None:
    if photo is not None and application.photo is not None:
        await conn.execute("INSERT INTO photos (sha256, data) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                           application.photo.sha256, photo)


async def _cited_from_archive(conn, application: Application) -> Application:
    """Refuse citations of entries the unit has not approved; take their facts from the archive."""
    ids = [c.entry_id for c in application.achievements]
    rows = await conn.fetch("SELECT entry_id, person_ref, unit_id, title, achieved_on, status FROM archive_entries"
                            " WHERE entry_id = ANY($1::text[])", ids)
    archive = {r["entry_id"]: ArchiveRecord(**dict(r)) for r in rows}
    if problems := citation_problems(application, archive):
        raise InvalidInput("申报引用的业绩须先经单位审核通过", "cited achievements must be approved by the unit first",
                           details=[p.as_dict() for p in problems])
    return with_archive_facts(application, archive)


async def submit(store: EventStore, conn, application: Application, photo: bytes | None, actor: Actor,
                 now: datetime) -> dict:
    application = await _cited_from_archive(conn, application)
    state, version = await load_filing(store, conn, application.application_id)
    payloads = filing.decide_submit(state, application)
    await _store_photo(conn, application, photo)
    ids = await _append(store, conn, application.application_id, version, payloads, actor, now)
    return {"application_id": str(application.application_id), "revision": application.revision,
            "status": "submitted", "event_ids": ids}


async def resubmit(store: EventStore, conn, application: Application, photo: bytes | None, actor: Actor,
                   now: datetime) -> dict:
    application = await _cited_from_archive(conn, application)
    state, version = await load_filing(store, conn, application.application_id)
    row = await conn.fetchrow("SELECT return_event_id, revision FROM open_returns WHERE application_id = $1",
                              application.application_id)
    open_return = OpenReturn(row["return_event_id"], row["revision"]) if row else None
    payloads = filing.decide_resubmit(state, open_return, application)
    await _store_photo(conn, application, photo)
    ids = await _append(store, conn, application.application_id, version, payloads, actor, now)
    await conn.execute("DELETE FROM open_returns WHERE application_id = $1", application.application_id)
    revision = payloads[0].application.revision
    return {"application_id": str(application.application_id), "revision": revision, "status": "resubmitted",
            "event_ids": ids}


async def withdraw(store: EventStore, conn, application_id: uuid.UUID, reason: str, actor: Actor,
                   now: datetime) -> dict:
    state, version = await load_filing(store, conn, application_id)
    ids = await _append(store, conn, application_id, version, filing.decide_withdraw(state, reason), actor, now)
    return {"application_id": str(application_id), "status": "withdrawn", "event_ids": ids}
