"""The analysts' feed on the real PostgreSQL: a case change and its feed message commit together or
not at all, a retried append queues nothing twice, and the message names the application and the
applicant by keys made with review's analytics key only."""
import hashlib
import json
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from contracts import events as ev
from contracts import topics
from contracts.analytics import read
from contracts.envelope import SYSTEM_ACTOR
from contracts.errors import Conflict
from contracts.plan import load_plan, plan_registry
from services.review.domain import commands as c
from services.review.usecases.cases import case_stream, decided, load_case
from services.review.adapters.feed import Feed, FeedingRecorder, pseudonym
from services.review.adapters.ports_pg import PgFeedContext
from tests.unit.review.builders import actors_for, summary

PLAN = load_plan()
SH = ZoneInfo("Asia/Shanghai")
KEY = "test-analytics-key"
NOW = datetime(2020, 8, 3, 10, tzinfo=SH)


@pytest.fixture
def feeding(store):
    return FeedingRecorder(store, topic=topics.review(), actor=SYSTEM_ACTOR, feed=Feed(KEY, plan_registry()))


async def _feed(store) -> list:
    rows = await store.pool.fetch("SELECT key, raw::text AS raw, headers::text AS headers FROM outbox"
                                  " WHERE topic = $1 ORDER BY id", topics.analytics_cases())
    return [(r["key"], read(r["raw"].encode()), json.loads(r["headers"])) for r in rows]


async def _decide(recorder, app_id, command, **kwargs):
    case, version = await load_case(recorder, app_id)
    return await recorder.save(case_stream(app_id), decided(case, command, PLAN, NOW), key=str(app_id),
                               expected_version=version, actor=command.actor, occurred_at=NOW, **kwargs)


async def test_each_case_change_queues_one_pseudonymous_message_in_its_transaction(store, feeding):
    s = summary()
    app_id = uuid.uuid4()
    async with store.pool.acquire() as conn, conn.transaction():  # as the consumer does: context, then the case
        await PgFeedContext(conn).note(app_id, 1, PLAN.plan_id, PLAN.version, ["CE_HOURS"])
        await _decide(feeding, app_id, c.OpenCase(SYSTEM_ACTOR, app_id, 1, ev.Outcome.ELIGIBLE, s), conn=conn)
    await _decide(feeding, app_id, c.UnitPass(actors_for(s).unit, app_id, "同意推荐的意见文本"))

    feed = await _feed(store)
    assert [(m.change, m.outcome, m.from_stage, m.stage, m.level) for _k, m, _h in feed] == [
        ("CaseOpened", "opened", None, "at_unit", "unit"), ("UnitApproved", "passed", "at_unit", "awaiting_notice", "unit")]
    key, first, headers = feed[0]
    assert headers == {"message_type": "CaseChange", "schema_version": 2}
    assert key == first.case_key == pseudonym(KEY, "case", str(app_id)) != str(app_id)
    assert first.applicant_key == pseudonym(KEY, "applicant", s.person_ref)
    assert first.applicant_key not in (s.person_ref, hashlib.sha256(s.person_ref.encode()).hexdigest()[:32])
    assert (first.plan_id, first.city, first.failing_rules, first.area) == (PLAN.plan_id, PLAN.city_zh, ["CE_HOURS"],
                                                                          s.unit_area)
    assert "同意推荐的意见文本" not in json.dumps([m.model_dump(mode="json") for _k, m, _h in feed], ensure_ascii=False)


async def test_a_change_that_does_not_commit_queues_no_message(store, feeding):
    s = summary()
    app_id = uuid.uuid4()
    await _decide(feeding, app_id, c.OpenCase(SYSTEM_ACTOR, app_id, 1, ev.Outcome.ELIGIBLE, s))
    case, version = await load_case(feeding, app_id)
    with pytest.raises(RuntimeError):
        async with store.pool.acquire() as conn, conn.transaction():
            await feeding.save(case_stream(app_id), decided(case, c.UnitPass(actors_for(s).unit, app_id, "同意"), PLAN, NOW),
                               key=str(app_id), expected_version=version, conn=conn, occurred_at=NOW)
            raise RuntimeError("the caller's transaction fails after the append")
    with pytest.raises(Conflict):  # a stale decision: refused before anything is written
        await feeding.save(case_stream(app_id), [ev.UnitApproved(application_id=app_id, opinion="同意")],
                           key=str(app_id), expected_version=0, occurred_at=NOW)
    assert [m.change for _k, m, _h in await _feed(store)] == ["CaseOpened"]


async def test_a_retried_append_queues_its_messages_once(store, feeding):
    s = summary()
    app_id = uuid.uuid4()
    ids = [uuid.uuid4()]
    opened = decided(None, c.OpenCase(SYSTEM_ACTOR, app_id, 1, ev.Outcome.ELIGIBLE, s), PLAN, NOW)
    for _ in range(2):  # a redelivered assessment: the same event ids
        await feeding.save(case_stream(app_id), opened, key=str(app_id), expected_version=None, occurred_at=NOW,
                           event_ids=ids)
    assert len(await _feed(store)) == 1
