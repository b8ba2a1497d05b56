"""Events name an actor by role, organisation and account id; the staff directory names the account
(from the token's `name`) on the case timeline until the name is erased (ARCHITECTURE.md "Personal data")."""
import json
import uuid

import httpx
import pytest

from contracts.envelope import Role
from tests.e2e.api import token
from tests.e2e.season import KQ_UNIT, Season, at_keqiao, named
from tests.fixtures.builders import normal_applicant

CLERK_NAME = "陈晓梅"


@pytest.fixture
async def season(stack, eventually):
    async with httpx.AsyncClient(timeout=30) as client:
        yield Season(client, stack, eventually)


async def test_the_timeline_names_the_acting_clerk_from_the_directory_and_only_her_account_id_once_erased(season):
    app = at_keqiao(named(normal_applicant(), "蒋文"))
    await season.file(app)
    await season.reaches(app.application_id, "at_unit")
    clerk = token(Role.UNIT, org=KQ_UNIT, area="keqiao", user=CLERK_NAME)
    await season.does(app.application_id, "unit-pass", clerk, opinion="同意推荐")

    history = (await season.case(app.application_id))["history"]
    passed = next(e for e in history if e["event_type"] == "UnitApproved")
    uid = passed["actor"]["user"]
    stored = {k: v for k, v in passed.items() if k != "actor_name"}  # the event as kept for ever
    assert uid.startswith("acct-") and CLERK_NAME not in json.dumps(stored, ensure_ascii=False)
    assert passed["actor"] == {"role": "unit", "organisation": KQ_UNIT, "user": uid}
    assert passed["actor_name"] == CLERK_NAME

    city = token(Role.CITY_HR_BUREAU, org="sx-city-hr", area="city", user="市人社专技处")
    erased = await season.client.post(season.url("review", f"/staff/{uid}/erasure"), headers=city)
    assert erased.status_code == 200, erased.text
    await season.client.get(season.url("review", "/inbox"), headers=clerk)  # her token still names her
    again = next(e for e in (await season.case(app.application_id))["history"] if e["event_type"] == "UnitApproved")
    assert again["actor_name"] == uid


async def test_only_the_city_hr_bureau_erases_a_name_and_an_unknown_account_is_not_found(season):
    unit = token(Role.UNIT, org=KQ_UNIT, area="keqiao", user=CLERK_NAME)
    city = token(Role.CITY_HR_BUREAU, org="sx-city-hr", area="city")
    refused = await season.client.post(season.url("review", "/staff/acct-x/erasure"), headers=unit)
    assert refused.status_code == 403
    missing = await season.client.post(season.url("review", f"/staff/acct-{uuid.uuid4().hex}/erasure"), headers=city)
    assert missing.status_code == 404 and missing.json()["code"]
