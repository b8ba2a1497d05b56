"""The city HR bureau approves a unit's authorization; the operator learns it by 12333 SMS sent by
notify, which heard the UnitAuthorized event on the review topic (key = unit id)."""
import asyncpg
import httpx

from contracts import topics
from contracts.envelope import Role
from plumbing.settings import with_database
from tests.conftest import DATABASE_URL
from tests.e2e.api import token
from tests.e2e.season import PEOPLE
from tests.integration_support import read_topic

UNIT = "u-kq-zhjs"
BODY = {"unit_name": "绍兴柯桥中恒建设有限公司", "operator_name": "钱芳", "operator_phone": "13957512345"}


async def _sms_to(stack, phone: str) -> list[dict]:
    """Unit messages belong to no application, so they are read from notify's own database."""
    conn = await asyncpg.connect(with_database(DATABASE_URL, stack.databases["notify"]))
    try:
        rows = await conn.fetch("SELECT template, to_e164, text, status FROM deliveries WHERE application_id IS NULL"
                                " AND template = 'unit_authorized' AND to_e164 LIKE '%' || $1", phone)
        return [dict(r) for r in rows]
    finally:
        await conn.close()


async def test_an_approved_unit_authorization_reaches_its_operator_by_sms_once(stack, eventually):
    url = f"{stack.url('review')}/units/{UNIT}/authorization"
    async with httpx.AsyncClient(timeout=30) as client:
        approved = await client.post(url, json=BODY, headers=PEOPLE["city_hr"])
        assert approved.status_code == 201, approved.text
        assert [e["event_type"] for e in approved.json()["events"]] == ["UnitAuthorized"]
        again = await client.post(url, json=BODY, headers=PEOPLE["city_hr"])
        assert (again.status_code, again.json()["code"]) == (409, "ALREADY_AUTHORIZED")

    async def sent():
        rows = [r for r in await _sms_to(stack, BODY["operator_phone"]) if r["status"] == "sent"]
        return rows or None
    rows = await eventually(sent)
    assert len(rows) == 1
    sms = rows[0]
    assert sms["to_e164"].endswith("13957512345") and BODY["unit_name"] in sms["text"] and "钱芳" in sms["text"]
    assert "13957512345" not in sms["text"] and sms["text"].startswith("【12333】")
    records = await read_topic(topics.review(), done=lambda out: any(k == UNIT.encode() for k, _, _ in out))
    assert any(k == UNIT.encode() and h["event_type"] == "UnitAuthorized" for k, _, h in records)


async def test_only_the_city_hr_bureau_may_approve_and_the_operator_phone_must_be_a_mobile(stack):
    url = f"{stack.url('review')}/units/{UNIT}-2/authorization"
    async with httpx.AsyncClient(timeout=30) as client:
        for who in (token(Role.UNIT, org=f"{UNIT}-2", area="keqiao"), PEOPLE["kq_hr"], PEOPLE["auditor"]):
            refused = await client.post(url, json=BODY, headers=who)
            assert refused.status_code == 403 and refused.json()["code"] == "ROLE_NOT_ALLOWED"
            assert refused.json()["message_zh"] and refused.json()["message_en"]
        bad = await client.post(url, json={**BODY, "operator_phone": "0575-85123456"}, headers=PEOPLE["city_hr"])
        assert (bad.status_code, bad.json()["code"]) == (422, "PHONE_INVALID")
        blank = await client.post(url, json={**BODY, "operator_name": " "}, headers=PEOPLE["city_hr"])
        assert (blank.status_code, blank.json()["code"]) == (422, "TEXT_REQUIRED")
        anonymous = await client.post(url, json=BODY)
        assert anonymous.status_code == 401
