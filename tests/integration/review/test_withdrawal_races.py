"""Withdrawals that meet the review case early, late or twice, on the real PostgreSQL."""
import uuid
from datetime import UTC, datetime

import pytest

from contracts.envelope import Actor, Envelope, Role
from contracts.errors import Conflict
from contracts.events import ApplicationSubmitted, ApplicationWithdrawn
from contracts.plan import load_plan, plan_registry
from plumbing.core.reactions import Reactions
from services.eligibility.domain.assess import assess
from plumbing.core.references import ReferenceNotYetKnown
from services.review.adapters.ports_pg import review_ports
from services.review.reactions.when_assessed_open_case import when_assessed_open_case, when_withdrawn_close_case
from services.review.reactions.when_filed_remember_application import when_filed_remember_application
from services.review.usecases.cases import load_case
from tests.fixtures.builders import normal_applicant

PLAN = load_plan()


def _envelope(payload, kind: str) -> Envelope:
    now = datetime(2020, 8, 10, 1, tzinfo=UTC)
    app_id = getattr(payload, "application_id", None) or payload.application.application_id
    return Envelope(event_type=kind, stream_id=f"x-{app_id}", stream_version=1, occurred_at=now, recorded_at=now,
                    actor=Actor(role=Role.APPLICANT, user="t"), correlation_id=app_id, payload=payload.model_dump(mode="json"))


def _assessed(app_id: uuid.UUID, revision: int = 1) -> Envelope:
    app = normal_applicant().model_copy(update={"application_id": app_id, "revision": revision})
    return _envelope(assess(app, PLAN), "EligibilityAssessed")


def _withdrawn(app_id: uuid.UUID, reason: str = "个人原因") -> Envelope:
    return _envelope(ApplicationWithdrawn(application_id=app_id, reason=reason), "ApplicationWithdrawn")


async def _handle(recorder, reaction, envelope):
    """As review's consumer does: the reaction table, in one transaction."""
    reactions = Reactions(recorder, review_ports).add(reaction(plan_registry()))
    async with recorder.store.pool.acquire() as conn, conn.transaction():
        await reactions.handle(conn, envelope)


async def _filed(recorder, app_id: uuid.UUID) -> None:
    app = normal_applicant().model_copy(update={"application_id": app_id})
    reactions = Reactions(recorder, review_ports).add(when_filed_remember_application)
    async with recorder.store.pool.acquire() as conn, conn.transaction():
        await reactions.handle(conn, _envelope(ApplicationSubmitted(application=app, plan_version=PLAN.version), "ApplicationSubmitted"))


async def test_a_withdrawal_that_arrives_before_the_assessment_keeps_the_case_from_ever_opening(recorder):
    app_id = uuid.uuid4()
    await _handle(recorder, when_withdrawn_close_case, _withdrawn(app_id))
    await _handle(recorder, when_assessed_open_case, _assessed(app_id))  # late, and a no-op
    with pytest.raises(Conflict) as refused:
        await load_case(recorder, app_id)
    assert refused.value.code == "WITHDRAWN_BEFORE_OPEN"
    assert [e.event_type for e in await recorder.store.load_stream(f"case-{app_id}")] == ["CaseClosed"]


async def test_a_second_withdrawal_and_a_late_resubmission_assessment_change_nothing(recorder):
    app_id = uuid.uuid4()
    await _filed(recorder, app_id)
    await _handle(recorder, when_assessed_open_case, _assessed(app_id))
    await _handle(recorder, when_withdrawn_close_case, _withdrawn(app_id))
    await _handle(recorder, when_withdrawn_close_case, _withdrawn(app_id, "again"))
    await _handle(recorder, when_assessed_open_case, _assessed(app_id, revision=2))
    case, version = await load_case(recorder, app_id)
    assert case.stage.value == "withdrawn" and version == 3
    stream = await recorder.store.load_stream(f"case-{app_id}")
    assert [e.event_type for e in stream] == ["CaseOpened", "CaseClosed", "CaseMovedTo"]


async def test_an_assessment_of_an_application_review_never_saw_filed_waits_and_writes_nothing(recorder):
    app_id = uuid.uuid4()
    with pytest.raises(ReferenceNotYetKnown):
        await _handle(recorder, when_assessed_open_case, _assessed(app_id))
    assert await recorder.store.load_stream(f"case-{app_id}") == []
    await _filed(recorder, app_id)  # the filing arrives: the retried assessment opens the case
    await _handle(recorder, when_assessed_open_case, _assessed(app_id))
    case, _version = await load_case(recorder, app_id)
    assert case.stage.value == "at_unit"
