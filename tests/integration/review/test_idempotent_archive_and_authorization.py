"""Review's archive routes and unit authorization run in the HTTP edge's unit of work and take an
Idempotency-Key like every other POST: a retry answers as the first did and records nothing twice
(the review app on the real PostgreSQL, in process; nothing here needs Kafka)."""
import httpx
import pytest_asyncio

from contracts.envelope import Role
from plumbing.core.eventstore import EventStore
from services.review.bootstrap import create_app
from services.review.settings import ReviewSettings
from tests.e2e.api import applicant_token, token

ID_NUMBER = "330602198001010017"


@pytest_asyncio.fixture
async def review(store):
    app = create_app(ReviewSettings(dev_mode=True))
    runtime = app.state.runtime
    runtime.pool, runtime.store = store.pool, EventStore(store.pool)  # what the lifespan would open
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://review") as client:
        yield client, store


async def _events(store, stream):
    return [e.event_type for e in await store.load_stream(stream)]


async def test_a_retried_post_archive_with_its_key_answers_as_the_first_did_and_records_once(review):
    client, store = review
    body = {"entry_id": "ach-idem-1", "unit_id": "u-kq-zhjs", "title": "柯桥体育中心主体结构工程", "achieved_on": "2019-06-30"}
    applicant = {**applicant_token(ID_NUMBER), "Idempotency-Key": "add-1"}
    first = await client.post("/archive", json=body, headers=applicant)
    again = await client.post("/archive", json=body, headers=applicant)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert await _events(store, "archive-ach-idem-1") == ["ArchiveEntryAdded"]
    unkeyed = await client.post("/archive", json=body, headers=applicant_token(ID_NUMBER))
    assert unkeyed.status_code == 409  # without a key, a second add is the conflict it always was
    other = await client.post("/archive", json={**body, "title": "另一个"}, headers=applicant)
    assert other.status_code == 422 and other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"

    unit = {**token(Role.UNIT, org="u-kq-zhjs", area="keqiao"), "Idempotency-Key": "review-1"}
    judged = [await client.post("/archive/ach-idem-1/review", json={"approve": True, "text": "属实"}, headers=unit)
              for _ in range(2)]
    assert [r.status_code for r in judged] == [200, 200] and judged[0].json() == judged[1].json()
    assert await _events(store, "archive-ach-idem-1") == ["ArchiveEntryAdded", "ArchiveEntryApproved"]


async def test_a_retried_unit_authorization_with_its_key_answers_as_the_first_did_and_queues_one_contact(review):
    client, store = review
    city = {**token(Role.CITY_HR_BUREAU, org="sx-city-hr", area="city"), "Idempotency-Key": "auth-1"}
    body = {"unit_name": "绍兴柯桥中恒建设有限公司", "operator_name": "钱芳", "operator_phone": "13957512345"}
    answers = [await client.post("/units/u-kq-zhjs/authorization", json=body, headers=city) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201] and answers[0].json() == answers[1].json()
    assert await _events(store, "unit-u-kq-zhjs") == ["UnitAuthorized"]
    assert await store.pool.fetchval("SELECT count(*) FROM personal_outbox") == 1
