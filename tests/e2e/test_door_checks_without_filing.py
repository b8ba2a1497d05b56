"""Intake's door checks on a draft, without filing (`POST /applications/checks`, what the web runs at
every step of its form): the same problems, codes and bilingual words a filing is refused with, each
naming its field; the checks a part answers alone (the ID number) run before the whole parses;
nothing is stored; and a draft the checks find nothing in is then filed."""
from __future__ import annotations

import base64

import httpx

from contracts.envelope import Role
from tests.e2e.api import PHOTO, applicant_token, filed_by, id_number_of, submit_body, token, with_approved_archive, with_new_id
from tests.fixtures.builders import normal_applicant

NAME = "查验申报人"


def _codes(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 200, answer.text
    problems = answer.json()["problems"]
    assert all(p["message_zh"] and p["message_en"] for p in problems)
    return {p["code"]: p["field"] for p in problems}


async def test_a_drafts_problems_are_the_doors_and_a_draft_without_any_is_filed(stack, eventually):
    mine = id_number_of(NAME)
    me = applicant_token(mine)
    app = filed_by(with_new_id(normal_applicant()), NAME)
    checks = stack.url("intake") + "/applications/checks"
    async with httpx.AsyncClient(timeout=30) as client:
        # Step 1 alone, with a mistyped check digit: the ID's own check runs though the rest is missing.
        wrong = mine[:-1] + ("0" if mine[-1] != "0" else "1")
        first = _codes(await client.post(checks, headers=me, json={"applicant": {"name": NAME, "id_number": wrong,
                                                                                  "phone": "13800138000"}}))
        assert first["ID_NUMBER_CHECKSUM"] == "applicant.id_number"
        assert any(code.startswith("SCHEMA_") for code in first)  # the parts not filled in yet
        # Someone else's ID number: what the filing would refuse 403, named as a problem of the field.
        other = _codes(await client.post(checks, headers=me, json={"applicant": {"id_number": id_number_of("别人")}}))
        assert other["APPLICANT_MISMATCH"] == "applicant.id_number"

        # The whole filing, citing an achievement not in the archive and without its photo and letter.
        body = submit_body(app, mine)
        body.pop("photo_base64")
        body["attachments"] = [a for a in body["attachments"] if a["kind"] != "appointment_letter"]
        whole = _codes(await client.post(checks, headers=me, json=body))
        assert whole["PHOTO_MISSING"] == "photo"
        assert whole["ATTACHMENT_MISSING"] == "attachments.appointment_letter"
        assert whole["ACHIEVEMENT_NOT_IN_ARCHIVE"].startswith("achievements[")
        nothing = await client.get(f"{stack.url('intake')}/applications/{app.application_id}", headers=me)
        assert nothing.status_code == 404  # checked, not filed

        app = await with_approved_archive(client, stack, app, mine, eventually)
        photo = await client.post(stack.url("intake") + "/documents", params={"kind": "photo"}, headers=me,
                                  content=base64.b64decode(PHOTO))  # a draft cites its uploads
        assert photo.status_code in (200, 201), photo.text
        body = {**submit_body(app, mine), "photo_ref": photo.json()["ref"]}
        body.pop("photo_base64")
        clean = await client.post(checks, headers=me, json=body)
        assert clean.json() == {"problems": [], "fileable": True}, clean.text
        filed = await client.post(stack.url("intake") + "/applications", headers=me, json=body)
        assert filed.status_code == 201, filed.text

        unit = await client.post(checks, headers=token(Role.UNIT, org="u-1"), json={})
        assert (unit.status_code, unit.json()["code"]) == (403, "ROLE_NOT_ALLOWED")


async def test_eligibility_explains_its_rules_on_a_draft_without_storing_anything(stack):
    app = with_new_id(normal_applicant())
    body = submit_body(app, id_number_of(NAME))
    for key in ("applicant", "photo_base64"):
        body.pop(key)
    record = next(r for r in body["continuing_education"] if r["year"] == 2019)  # a certificate year (the plan's)
    year, record["professional_hours"] = record["year"], 10
    preview = stack.url("eligibility") + "/assessments/preview"
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(preview, headers=applicant_token(id_number_of(NAME)), json=body)
        assert answer.status_code == 200, answer.text
        rules = {r["code"]: r for r in answer.json()["rules"]}
        assert answer.json()["complete"] and not rules["CE_HOURS"]["passed"]
        assert f"{year}年度继续教育专业科目10学时" in rules["CE_HOURS"]["message_zh"] and rules["CE_HOURS"]["message_en"]
        partial = await client.post(preview, headers=applicant_token(id_number_of(NAME)), json={"specialty": "建筑结构"})
        assert partial.json() == {"complete": False, "outcome": None, "rules": [], "routes": []}
        stored = await client.get(f"{stack.url('eligibility')}/assessments/{app.application_id}",
                                  headers=applicant_token(id_number_of(NAME)))
        assert stored.status_code == 404  # explained, not assessed
        unit = await client.post(preview, headers=token(Role.UNIT, org="u-1"), json=body)
        assert (unit.status_code, unit.json()["code"]) == (403, "ROLE_NOT_ALLOWED")
