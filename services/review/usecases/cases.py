"""Review's use cases around the pure domain: load a case once, authorise once, decide, save.

Every decision is saved with the expected stream version, so two reviewers acting on one case at
once cannot both win (the loser gets 409 CONCURRENT_CHANGE and nothing changes). The decided
events are followed by CaseMovedTo when they hand the case to another reviewer.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from contracts.envelope import Envelope
from contracts.errors import Conflict, NotFound, PreconditionFailed
from contracts.plan import Plan, PlanRegistry
from plumbing.core.application import Recorder
from plumbing.core.unit_of_work import UnitOfWork
from services.review.domain import archive as archive_domain
from services.review.domain.acting import with_next_actor
from services.review.domain.authorization import Principal, authorize
from services.review.domain.case import Case, NeverOpened
from services.review.domain.commands import Command
from services.review.domain.decide import decide
from services.review.domain.streams import archive_stream, case_stream
from services.review.domain.transitions import evolve_stream, fold


# case_stream, archive_stream: defined once, in domain/streams.py (imported from here too)


async def load_case(source: UnitOfWork | Recorder, application_id: uuid.UUID) -> tuple[Case | None, int]:
    """`source`: the unit of work (use cases, reactions), or a recorder for the read routes."""
    if isinstance(source, UnitOfWork):
        case, version = await source.get(case_stream(application_id), evolve_stream)
    else:
        case, version = await source.repository(evolve_stream).get(case_stream(application_id))
    if isinstance(case, NeverOpened):
        raise Conflict("该申报在受理前已撤回", "the application was withdrawn before its case opened",
                       code="WITHDRAWN_BEFORE_OPEN")
    return case, version


async def require_case(source: UnitOfWork | Recorder, application_id: uuid.UUID) -> tuple[Case, int]:
    case, version = await load_case(source, application_id)
    if case is None:
        raise NotFound("未找到该申报的审核记录", "no review case for this application")
    return case, version


def plan_of(case: Case, plans: PlanRegistry) -> Plan:
    """The plan the case's application was filed under (UnknownPlan if this service lacks it)."""
    return plans.get(case.plan_id, case.plan_version)


def decided(case: Case | None, command: Command, plan: Plan, now: datetime) -> list:
    """What the domain decides, and who must act after it."""
    return with_next_actor(case, decide(case, command, now=now, plan=plan), plan)


async def take_decision(uow: UnitOfWork, plans: PlanRegistry, application_id: uuid.UUID, action: str,
                        command: Callable[[], Command], *, principal: Principal,
                        now: datetime, expected_version: int | None = None) -> tuple[list[Envelope], Case]:
    """A reviewer's decision: the case is loaded and authorised once, before the body is read (so a
    principal outside the case's scope learns nothing about its shape). With `expected_version`
    (If-Match), a case that has moved on since the reviewer saw it is refused (412), not decided
    again on a state they never saw. Returns the saved events and the case after them."""
    case, version = await require_case(uow, application_id)
    authorize(principal, action, case)
    if expected_version is not None and expected_version != version:
        raise PreconditionFailed(f"该申报已更新（当前版本{version}，您看到的是版本{expected_version}），请刷新后再审核",
                                 f"the case is at version {version}, not {expected_version}; read it again",
                                 details={"expected_version": expected_version, "current_version": version})
    cmd = command()
    payloads = decided(case, cmd, plan_of(case, plans), now)
    stored = await uow.save(case_stream(application_id), payloads, key=str(application_id),
                            expected_version=version, actor=cmd.actor, occurred_at=now)
    return stored, fold(payloads, case)


async def load_entry(source: UnitOfWork | Recorder, entry_id: str) -> tuple[archive_domain.ArchiveEntry | None, int]:
    if isinstance(source, UnitOfWork):
        return await source.get(archive_stream(entry_id), archive_domain.evolve_archive)
    return await source.repository(archive_domain.evolve_archive).get(archive_stream(entry_id))


async def execute_archive(uow: UnitOfWork, command, *, now: datetime, key: str) -> list[Envelope]:
    entry, version = await load_entry(uow, command.entry_id)
    payloads = archive_domain.decide_archive(entry, command)
    return await uow.save(archive_stream(command.entry_id), payloads, key=key, expected_version=version,
                          actor=command.actor, occurred_at=now)
