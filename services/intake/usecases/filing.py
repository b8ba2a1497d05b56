"""Intake's use cases: submit, resubmit after a return, withdraw. Each loads the application's
stream, lets the pure domain decide, and saves (with outbox rows) in the caller's unit of work."""
from __future__ import annotations

import uuid
from datetime import datetime

from contracts.application import Application
from contracts.envelope import SYSTEM_ACTOR, Actor, Role
from contracts.errors import InvalidInput
from contracts.plan import Plan, PlanRegistry
from plumbing.core.unit_of_work import UnitOfWork
from services.intake.domain import filing
from services.intake.domain.citations import citation_problems, with_archive_facts
from services.intake.domain.deadlines import require_filing_open, require_resubmission_open
from services.intake.domain.filing import Filing, OpenReturn, stream_of
from services.intake.domain.units import require_authorised_unit
from services.intake.usecases.personal import Filer, seal_and_share
from services.intake.usecases.ports import IntakePorts

INTAKE_ACTOR = Actor(role=Role.SYSTEM, organisation="intake", user=SYSTEM_ACTOR.user)
Uow = UnitOfWork[IntakePorts]


async def load_filing(uow: Uow, application_id: uuid.UUID) -> tuple[Filing | None, int]:
    return await uow.get(stream_of(application_id), filing.evolve)


async def recorded_plan(uow: Uow, application_id: uuid.UUID, plans: PlanRegistry) -> Plan | None:
    """The plan the application's first filing recorded (a resubmission is checked at the door and
    decided with it, whatever plan is open now); None when it was never filed."""
    state, _version = await load_filing(uow, application_id)
    return plans.get(state.plan_id, state.plan_version) if state is not None else None


async def history(uow: Uow, application_id: uuid.UUID) -> list:
    """The application's events with their decoded payloads, oldest first."""
    return await uow.events(stream_of(application_id))


def owner(history: list) -> str:
    """The person_ref of whoever filed the application (its first event)."""
    return history[0][1].application.applicant.person_ref


async def _save(uow: Uow, application_id, version, payloads, actor, now) -> list[str]:
    stored = await uow.save(stream_of(application_id), payloads, key=str(application_id), expected_version=version,
                            actor=actor, occurred_at=now)
    return [str(e.event_id) for e in stored]


async def _keep_photo(uow: Uow, application: Application, photo: bytes | None) -> None:
    if photo is not None and application.photo is not None:
        await uow.ports.photos.keep(application.photo.sha256, photo)
    await uow.ports.filings.filed(application.applicant.person_ref, application.application_id,
                                  application.photo.sha256 if application.photo else None)


async def cited_from_archive(uow: Uow, application: Application) -> Application:
    """Refuse citations of entries the unit has not approved; take their facts from the archive."""
    archive = await uow.ports.archive.cited([c.entry_id for c in application.achievements])
    if problems := citation_problems(application, archive):
        raise InvalidInput("申报引用的业绩须先经单位审核通过", "cited achievements must be approved by the unit first",
                           details=[p.as_dict() for p in problems])
    return with_archive_facts(application, archive)


async def require_unit_known(uow: Uow, application: Application) -> None:
    require_authorised_unit(application, await uow.ports.units.is_authorised(application.unit.unit_id))


async def _personal(uow: Uow, filer: Filer | None, payloads: list) -> list:
    """Seal the filer's fields into the filing events and queue their current record (usecases/personal.py)."""
    return await seal_and_share(uow, filer, payloads) if filer else payloads


async def submit(uow: Uow, application: Application, photo: bytes | None, actor: Actor, now: datetime,
                 filer: Filer | None = None, *, plan: Plan) -> dict:
    require_filing_open(now, plan)
    await require_unit_known(uow, application)
    application = await cited_from_archive(uow, application)
    state, version = await load_filing(uow, application.application_id)
    payloads = await _personal(uow, filer, filing.decide_submit(state, application, plan))
    await _keep_photo(uow, application, photo)
    ids = await _save(uow, application.application_id, version, payloads, actor, now)
    return {"application_id": str(application.application_id), "revision": application.revision,
            "status": "submitted", "event_ids": ids}


async def resubmit(uow: Uow, application: Application, photo: bytes | None, actor: Actor, now: datetime,
                   filer: Filer | None = None, *, plans: PlanRegistry) -> dict:
    """`plans`: the resubmission's deadline is the one of the plan the application recorded."""
    application = await cited_from_archive(uow, application)
    state, version = await load_filing(uow, application.application_id)
    returned = await uow.ports.returns.current(application.application_id)
    if returned and state is not None:
        require_resubmission_open(now, plans.get(state.plan_id, state.plan_version), returned.level,
                                  application.unit.area)
    open_return = OpenReturn(returned.return_event_id, returned.revision) if returned else None
    payloads = await _personal(uow, filer, filing.decide_resubmit(state, open_return, application))
    await _keep_photo(uow, application, photo)
    ids = await _save(uow, application.application_id, version, payloads, actor, now)
    await uow.ports.returns.close(application.application_id)
    return {"application_id": str(application.application_id), "revision": payloads[0].application.revision,
            "status": "resubmitted", "event_ids": ids}


async def withdraw(uow: Uow, application_id: uuid.UUID, reason: str, actor: Actor, now: datetime) -> dict:
    state, version = await load_filing(uow, application_id)
    ids = await _save(uow, application_id, version, filing.decide_withdraw(state, reason), actor, now)
    return {"application_id": str(application_id), "status": "withdrawn", "event_ids": ids}
