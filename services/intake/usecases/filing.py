"""Intake's use cases: submit, resubmit after a return, withdraw. Each loads the application's
stream, lets the pure domain decide, and saves (with outbox rows) in the caller's transaction."""
from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from contracts.application import Application
from contracts.envelope import SYSTEM_ACTOR, Actor, Role
from contracts.errors import InvalidInput
from contracts.events import ReviewLevel
from contracts.plan import Plan
from plumbing.core.application import Recorder, Repository
from services.intake.domain import filing
from services.intake.domain.deadlines import require_filing_open, require_resubmission_open
from services.intake.domain.units import require_authorised_unit
from services.intake.domain.citations import ArchiveRecord, citation_problems, with_archive_facts
from services.intake.domain.filing import Filing, OpenReturn, stream_of
from services.intake.usecases.personal import Filer, Vault, seal_and_share

INTAKE_ACTOR = Actor(role=Role.SYSTEM, organisation="intake", user=SYSTEM_ACTOR.user)


async def load_filing(recorder: Recorder, conn, application_id: uuid.UUID) -> tuple[Filing | None, int]:
    return await Repository(recorder.store, filing.evolve).get(stream_of(application_id), conn)


async def history(recorder: Recorder, application_id: uuid.UUID, conn=None) -> list:
    """The application's events with their decoded payloads, oldest first (`conn`: read in the
    caller's transaction, on the connection it already holds)."""
    return await Repository(recorder.store, filing.evolve).events(stream_of(application_id), conn)


def owner(history: list) -> str:
    """The person_ref of whoever filed the application (its first event)."""
    return history[0][1].application.applicant.person_ref


async def _save(recorder: Recorder, conn, application_id, version, payloads, actor, now) -> list[str]:
    stored = await recorder.save(stream_of(application_id), payloads, key=str(application_id),
                                 expected_version=version, actor=actor, conn=conn, occurred_at=now)
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


async def unit_authorised(conn, unit_id: str) -> bool:
    return await conn.fetchval("SELECT EXISTS (SELECT 1 FROM authorised_units WHERE unit_id = $1)", unit_id)


async def require_unit_known(conn, application: Application) -> None:
    require_authorised_unit(application, await unit_authorised(conn, application.unit.unit_id))


async def _personal(conn, personal: tuple[Vault, Filer] | None, payloads: list) -> list:
    """Seal the filer's fields into the filing events and queue their current record (usecases/personal.py)."""
    return await seal_and_share(conn, personal[0], personal[1], payloads) if personal else payloads


async def submit(recorder: Recorder, conn, application: Application, photo: bytes | None, actor: Actor,
                 now: datetime, personal: tuple[Vault, Filer] | None = None, *, plan: Plan) -> dict:
    require_filing_open(now, plan)
    await require_unit_known(conn, application)
    application = await _cited_from_archive(conn, application)
    state, version = await load_filing(recorder, conn, application.application_id)
    payloads = await _personal(conn, personal, filing.decide_submit(state, application))
    await _store_photo(conn, application, photo)
    ids = await _save(recorder, conn, application.application_id, version, payloads, actor, now)
    return {"application_id": str(application.application_id), "revision": application.revision,
            "status": "submitted", "event_ids": ids}


async def resubmit(recorder: Recorder, conn, application: Application, photo: bytes | None, actor: Actor,
                   now: datetime, personal: tuple[Vault, Filer] | None = None, *, plan: Plan) -> dict:
    application = await _cited_from_archive(conn, application)
    state, version = await load_filing(recorder, conn, application.application_id)
    row = await conn.fetchrow("SELECT return_event_id, revision, level FROM open_returns WHERE application_id = $1",
                              application.application_id)
    if row:
        require_resubmission_open(now, plan, ReviewLevel(row["level"]), application.unit.area)
    open_return = OpenReturn(row["return_event_id"], row["revision"]) if row else None
    payloads = await _personal(conn, personal, filing.decide_resubmit(state, open_return, application))
    await _store_photo(conn, application, photo)
    ids = await _save(recorder, conn, application.application_id, version, payloads, actor, now)
    await conn.execute("DELETE FROM open_returns WHERE application_id = $1", application.application_id)
    return {"application_id": str(application.application_id), "revision": payloads[0].application.revision,
            "status": "resubmitted", "event_ids": ids}


async def withdraw(recorder: Recorder, conn, application_id: uuid.UUID, reason: str, actor: Actor,
                   now: datetime) -> dict:
    state, version = await load_filing(recorder, conn, application_id)
    ids = await _save(recorder, conn, application_id, version, filing.decide_withdraw(state, reason), actor, now)
    return {"application_id": str(application_id), "status": "withdrawn", "event_ids": ids}
