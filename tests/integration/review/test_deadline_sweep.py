"""The deadline sweep on the real PostgreSQL: cases past their stage deadline are closed once,
with ClosedOverdue and CaseClosed in their streams; cases still in time are left alone."""
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from contracts import events as ev
from contracts.envelope import SYSTEM_ACTOR
from contracts.plan import load_plan, plan_registry
from plumbing.core.projection import ProjectionRunner
from plumbing.core.unit_of_work import PostgresUnitOfWork
from services.review.adapters.ports_pg import review_ports
from services.review.domain import commands as c
from services.review.projections.case_view import make_apply
from services.review.usecases.cases import case_stream, decided, load_case
from services.review.usecases.sweeping import sweep_overdue
from tests.unit.review.builders import actors_for, summary

PLAN = load_plan()
SH = ZoneInfo("Asia/Shanghai")


async def _decide(recorder, app_id, command, now):
    case, version = await load_case(recorder, app_id)
    await recorder.save(case_stream(app_id), decided(case, command, PLAN, now), key=str(app_id),
                        expected_version=version, actor=command.actor, occurred_at=now)


async def _open(recorder, s):
    app_id = uuid.uuid4()
    await _decide(recorder, app_id, c.OpenCase(SYSTEM_ACTOR, app_id, 1, ev.Outcome.ELIGIBLE, s),
                  datetime(2020, 8, 1, 9, tzinfo=SH))
    return app_id


async def test_the_sweep_closes_each_overdue_case_once_and_leaves_cases_in_time_alone(store):
    from plumbing.core.application import Recorder
    from contracts import topics
    recorder = Recorder(store, topic=topics.review(), actor=SYSTEM_ACTOR)
    at_unit = await _open(recorder, summary())
    at_department = await _open(recorder, summary(unit_id="unit-yc-2"))
    unit = actors_for(summary(unit_id="unit-yc-2")).unit
    await _decide(recorder, at_department, c.UnitPass(unit, at_department, "同意"), datetime(2020, 8, 3, tzinfo=SH))
    projection = ProjectionRunner("review.case_view", store, make_apply(store))

    await projection.catch_up()
    assert await sweep_overdue(lambda: PostgresUnitOfWork(store.pool, recorder, review_ports), plan_registry(), datetime(2020, 8, 20, 23, tzinfo=SH)) == []
    late = datetime(2020, 8, 21, 0, 30, tzinfo=SH)
    assert sorted(await sweep_overdue(lambda: PostgresUnitOfWork(store.pool, recorder, review_ports), plan_registry(), late)) == sorted([at_unit, at_department])

    for app_id in (at_unit, at_department):
        stream = await store.load_stream(case_stream(app_id))
        assert [e.event_type for e in stream[-3:]] == ["ClosedOverdue", "CaseClosed", "CaseMovedTo"]
        assert stream[-3].payload["reason"] == "逾期未审核" and stream[-3].payload["deadline"] == "2020-08-20"
    await projection.catch_up()
    assert await sweep_overdue(lambda: PostgresUnitOfWork(store.pool, recorder, review_ports), plan_registry(), late) == []  # once
    rows = await store.pool.fetch("SELECT stage FROM case_view")
    assert {r["stage"] for r in rows} == {"closed_overdue"}
