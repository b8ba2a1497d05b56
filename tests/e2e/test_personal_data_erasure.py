"""Personal data out of the permanent record, through the four running services (ARCHITECTURE.md
"Personal data"): no topic and no event store holds a name, phone, ID number or birth date in clear;
`zc person erase` makes intake's sealed fields unreadable with every chain intact, removes notify's
and review's rows, and the compacted topic drops the record; SMS and exports then say so."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import asyncpg
import httpx
import jwt
import pytest

from contracts import topics
from contracts.envelope import Role
from contracts.events import Sealed
from contracts.personal_data import display_mask, mask_id_number
from contracts.personal_record import APPLICANT, ERASED, record_key
from stdnum.cn import ric

from plumbing.settings import with_database
from services.intake.adapters.vault import KeyVault, master_key
from services.intake.domain.validation import person_ref
from tests.conftest import DATABASE_URL
from tests.e2e.kafka_reads import raw_records, topic_names
from tests.e2e.api import (PERSON_SECRET, applicant_token, get_json, submit_body, token, with_approved_archive,
                           with_new_id)
from tests.fixtures.builders import change_in, normal_applicant

NAME, PHONE, BORN = "钱小红", "13912340001", "19710405"
ID_NUMBER = f"330602{BORN}426" + ric.calc_check_digit(f"330602{BORN}4260")
REF = person_ref(ID_NUMBER, PERSON_SECRET)
UNIT_ID = "u-sx-privacy"  # a unit of this module's own: its public-notice table is read by no other test
UNIT = token(Role.UNIT, org=UNIT_ID, area="city")
CITY_HR = token(Role.CITY_HR_BUREAU, org="sx-city-hr", area="city", user="officer-zhang")
OFFICER_UID = jwt.decode(CITY_HR["Authorization"][7:], options={"verify_signature": False})["uid"]
AUDITOR = token(Role.AUDITOR, org="audit")
OPINION = {"opinion": "材料真实完整，同意推荐"}


def in_clear(text: str) -> list[str]:
    """What of the person is readable in `text`: name, phone, ID number (whole, masked, or its
    birth-date digits), birth date."""
    shown = (NAME, PHONE, ID_NUMBER, BORN, "1971-04-05", mask_id_number(ID_NUMBER), display_mask(ID_NUMBER))
    return [v for v in shown if v in text]


async def db(stack, service: str) -> asyncpg.Connection:
    return await asyncpg.connect(with_database(DATABASE_URL, stack.databases[service]))


async def rows(stack, service: str, sql: str, *args):
    conn = await db(stack, service)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def filed(stack):
    """One application of 钱小红's, passed by the unit (so a message with her name is sent); filed once."""
    done: list = []

    async def run(eventually):
        if done:
            return done[0]
        async with httpx.AsyncClient(timeout=30) as client:
            app = change_in(with_new_id(normal_applicant()), "unit", unit_id=UNIT_ID, name="绍兴市隐私测试建设有限公司")
            app = await with_approved_archive(client, stack, app, ID_NUMBER, eventually)
            answer = await client.post(f"{stack.url('intake')}/applications", headers=applicant_token(ID_NUMBER),
                                       json=submit_body(app, ID_NUMBER, name=NAME, phone=PHONE))
            assert answer.status_code == 201, answer.text
            cases = f"{stack.url('review')}/cases/{app.application_id}"
            await eventually(lambda: get_json(client, cases))
            passed = await client.post(f"{cases}/unit-pass", headers=UNIT, json=OPINION)
            assert passed.status_code == 200, passed.text
            done.append(app.application_id)
            return app.application_id
    return run


async def sent(client, stack, app_id, template: str):
    status = await get_json(client, f"{stack.url('notify')}/notifications/{app_id}")
    return next((d for d in (status or {}).get("deliveries", []) if d["template"] == template
                 and d["status"] == "sent"), None)


async def test_a_filing_reaches_sms_and_exports_while_no_topic_or_event_store_holds_personal_data_in_clear(
        stack, filed, eventually):
    app_id = await filed(eventually)
    async with httpx.AsyncClient(timeout=30) as client:
        delivery = await eventually(lambda: sent(client, stack, app_id, "passed_unit"))
    assert NAME in delivery["text"]  # notify looked her name up in its personal_data at planning
    for topic in await topic_names():
        if topic in (topics.personal_data(), topics.operators_data()):
            continue  # the one place current personal data travels, by design (read under ACL by notify and review)
        for key, value in await raw_records(topic):
            text = (key or b"").decode("utf-8", "replace") + (value or b"").decode("utf-8", "replace")
            assert not in_clear(text), f"{topic} holds {in_clear(text)}"
    for service in ("intake", "eligibility", "review", "notify"):
        for row in await rows(stack, service, "SELECT event_type, payload::text AS payload FROM events"):
            assert not in_clear(row["payload"]), f"{service}'s {row['event_type']} holds {in_clear(row['payload'])}"
    sealed = await rows(stack, "intake", "SELECT payload->'sealed' AS sealed FROM events WHERE stream_id = $1",
                        f"application-{app_id}")
    assert sealed and all(r["sealed"] for r in sealed)  # intake's own record of what was filed, encrypted


async def test_erasure_reaches_every_copy_and_later_sms_and_exports_say_the_data_was_erased(
        stack, filed, eventually):
    app_id = await filed(eventually)
    async with httpx.AsyncClient(timeout=30) as client:
        await eventually(lambda: sent(client, stack, app_id, "passed_unit"))
        for service in ("notify", "review"):
            await eventually(lambda s=service: rows(stack, s, "SELECT 1 FROM personal_data WHERE person_ref = $1", REF))

        # On whose request is an account (role, uid), never a name or free text: refused, nothing erased.
        for requested_by in ("本人申请（工单 2020-42）", {"role": "applicant", "uid": "王建国"},
                             {"role": "applicant", "uid": "wang jianguo"}, {"role": "nobody", "uid": "acc-1"}):
            refused = await client.post(f"{stack.url('intake')}/persons/{REF}/erasure", headers=CITY_HR,
                                        json={"requested_by": requested_by})
            assert refused.status_code == 422 and {"code", "message_zh", "message_en"} <= refused.json().keys()
        erased = subprocess.run(
            [sys.executable, "-m", "zc.cli", "person", "erase", REF, "--requested-by", "acc-applicant-0042",
             "--url", stack.url("intake")], env={**os.environ, "ZC_TOKEN": CITY_HR["Authorization"][7:]},
            capture_output=True, text=True, timeout=60)
        assert erased.returncode == 0, erased.stderr
        assert OFFICER_UID in erased.stdout and "data_key_deleted" in erased.stdout and "review" in erased.stdout
        assert "officer-zhang" not in erased.stdout  # the officer is an account id; the name stays in her token

        # intake: the data key is gone, the sealed fields cannot be read, every chain still verifies
        conn = await db(stack, "intake")
        try:
            assert not await conn.fetch("SELECT 1 FROM person_keys WHERE person_ref = $1", REF)
            payload = await conn.fetchval("SELECT payload->'sealed' FROM events WHERE stream_id = $1",
                                          f"application-{app_id}")
            vault = KeyVault(master_key(None, dev_mode=True))
            assert await vault.unseal(conn, Sealed.model_validate_json(payload)) is None
            record = await conn.fetchrow("SELECT payload FROM events WHERE event_type = 'PersonErased'"
                                         " AND stream_id = $1", f"person-{REF}")
            assert '"requested_by": {"uid": "acc-applicant-0042", "role": "applicant"}' in record["payload"]
            assert f'"erased_by": "{OFFICER_UID}"' in record["payload"] and "officer-zhang" not in record["payload"]
        finally:
            await conn.close()
        for stream in (f"application-{app_id}", f"person-{REF}"):
            audit = await get_json(client, f"{stack.url('intake')}/audit/streams/{stream}", AUDITOR)
            assert audit["intact"] is True

        # notify and review delete their rows when they read the tombstone; notify scrubs sent texts
        for service in ("notify", "review"):
            await eventually(lambda s=service: rows(stack, s, "SELECT 1 FROM erased_persons WHERE person_ref = $1",
                                                    REF))
            assert not await rows(stack, service, "SELECT 1 FROM personal_data WHERE person_ref = $1", REF)
        status = await get_json(client, f"{stack.url('notify')}/notifications/{app_id}")
        assert all(not in_clear(d["text"]) for d in status["deliveries"])

        # a later SMS for her fails cleanly, with the reason; the export says she was erased
        started = await client.post(f"{stack.url('review')}/cases/{app_id}/public-notice-start", headers=UNIT,
                                    json={"starts_on": "2020-08-10"})
        assert started.status_code == 200, started.text

        async def failed_for_erasure():
            body = await get_json(client, f"{stack.url('notify')}/notifications/{app_id}")
            return next((f for f in (body or {}).get("failures", []) if f["template"] == "public_notice_started"), None)
        failure = await eventually(failed_for_erasure)
        assert "personal data erased" in failure["reason"]

        async def notice_table():
            answer = await client.get(f"{stack.url('review')}/exports/public-notice?unit_id={UNIT_ID}&format=csv",
                                      headers=UNIT)
            assert answer.status_code == 200, answer.text
            text = answer.content.decode("utf-8-sig")
            return text if str(ERASED) in text else None
        assert NAME not in await eventually(notice_table)

    # the compacted topic: intake rolls the tombstone's segment after segment.ms (1 s here), the cleaner
    # (every 15 s) compacts it, and no record of hers is left: at most her tombstone
    await eventually(lambda: compacted_away(REF), timeout=120, interval=2)


async def compacted_away(ref: str) -> bool:
    mine = [value for key, value in await raw_records(topics.personal_data()) if key == record_key(APPLICANT, ref)]
    return all(value is None for value in mine)
