"""Approving a unit's authorization on the real PostgreSQL: one event on `unit-<id>` and, in the
same transaction, one outbox row for the review topic keyed by the unit id."""
from datetime import UTC, datetime

import pytest

from contracts import topics
from contracts.envelope import Actor, Role
from contracts.errors import Conflict, Forbidden
from plumbing.core.unit_of_work import PostgresUnitOfWork
from services.review.adapters.ports_pg import review_ports
from services.review.domain.unit_authorization import AuthorizeUnit
from services.review.usecases.units import authorize_unit

CITY = Actor(role=Role.CITY_HR_BUREAU, organisation="sx-city-hr", user="chen")
NOW = datetime(2020, 8, 10, 1, 0, tzinfo=UTC)


def approve(phone="13957512345", actor=CITY) -> AuthorizeUnit:
    return AuthorizeUnit(actor, "u-kq-zhjs", "绍兴柯桥中恒建设有限公司", "钱芳", phone, "test-ref-secret")


async def _authorize(recorder, command, *, now):
    async with PostgresUnitOfWork(recorder.store.pool, recorder, review_ports) as uow:
        return await authorize_unit(uow, command, now=now)


async def _queued(store):
    return [(r["person_ref"], r["record"]) for r in
            await store.pool.fetch("SELECT person_ref, record::text AS record FROM personal_outbox ORDER BY id")]


async def _outbox(store):
    return await store.pool.fetch("SELECT o.topic, o.key, e.stream_id, e.stream_version FROM outbox o"
                                  " JOIN events e USING (event_id) ORDER BY o.id")


async def test_an_approval_is_one_event_on_the_unit_stream_and_one_outbox_row_for_the_review_topic(store, recorder):
    events = await _authorize(recorder, approve(), now=NOW)
    assert [e.event_type for e in events] == ["UnitAuthorized"]
    stored = await store.load_stream("unit-u-kq-zhjs")
    assert stored[0].actor == CITY and set(stored[0].payload) == {"unit_id", "unit_name", "operator_ref"}
    assert "钱芳" not in str(stored[0].payload) and "13957512345" not in str(stored[0].payload)
    assert [tuple(r) for r in await _outbox(store)] == [(topics.review(), "u-kq-zhjs", "unit-u-kq-zhjs", 1)]
    # the operator's contact waits for the personal-data topic, keyed by the event's operator_ref
    [(ref, record)] = await _queued(store)
    assert ref == stored[0].payload["operator_ref"] and "钱芳" in record and "13957512345" in record


async def test_the_same_approval_twice_is_refused_and_a_new_operator_is_appended(store, recorder):
    await _authorize(recorder, approve(), now=NOW)
    with pytest.raises(Conflict) as refused:
        await _authorize(recorder, approve(phone="+86 139-5751-2345"), now=NOW)
    assert refused.value.code == "ALREADY_AUTHORIZED"
    await _authorize(recorder, approve(phone="13800571234"), now=NOW)
    assert [r["stream_version"] for r in await _outbox(store)] == [1, 2]
    first, second = (e.payload["operator_ref"] for e in await store.load_stream("unit-u-kq-zhjs"))
    # the replaced operator's contact is erased (its unpublished record replaced by a tombstone)
    assert [(ref, record is None) for ref, record in await _queued(store)] == [(second, False), (first, True)]


async def test_no_one_but_the_city_hr_bureau_may_approve_and_nothing_is_stored(store, recorder):
    with pytest.raises(Forbidden):
        await _authorize(recorder, approve(actor=Actor(role=Role.UNIT, organisation="u-kq-zhjs")),
                             now=NOW)
    assert await store.load_stream("unit-u-kq-zhjs") == [] and await _outbox(store) == []
    assert await _queued(store) == []
