"""One application across the four running processes, talking only through Kafka."""

import httpx

from contracts.envelope import Role
from tests.e2e.api import (DEFAULT_NAME, DEFAULT_PHONE, applicant_token, get_json, submit_body, token,
                           with_approved_archive, with_new_id)
from tests.fixtures.builders import ID_NUMBER, normal_applicant


async def test_an_application_travels_from_filing_to_eligibility_to_unit_decision_to_sms(stack, eventually):
    app = with_new_id(normal_applicant())
    app_id = app.application_id
    unit = token(Role.UNIT, org=app.unit.unit_id, area=app.unit.area)
    async with httpx.AsyncClient(timeout=30) as client:
        app = await with_approved_archive(client, stack, app, ID_NUMBER, eventually)
        filed = await client.post(f"{stack.url('intake')}/applications", json=submit_body(app, ID_NUMBER),
                                  headers={**applicant_token(ID_NUMBER), "Idempotency-Key": f"k-{app_id}"})
        assert filed.status_code == 201, filed.text
        retried = await client.post(f"{stack.url('intake')}/applications", json=submit_body(app, ID_NUMBER),
                                    headers={**applicant_token(ID_NUMBER), "Idempotency-Key": f"k-{app_id}"})
        assert (retried.status_code, retried.json()) == (201, filed.json())

        assessments = await eventually(lambda: get_json(client, f"{stack.url('eligibility')}/assessments/{app_id}"))
        assert assessments[-1]["payload"]["outcome"] == "eligible"
        assert assessments[-1]["causation_id"] == filed.json()["event_ids"][0]

        case = await eventually(lambda: get_json(client, f"{stack.url('review')}/cases/{app_id}", unit))
        assert case["case"]["stage"] == "at_unit"
        passed = await client.post(f"{stack.url('review')}/cases/{app_id}/unit-pass",
                                   json={"opinion": "材料真实完整，同意推荐"}, headers=unit)
        assert passed.status_code == 200, passed.text
        assert passed.json()["case"]["stage"] == "awaiting_notice"

        async def unit_pass_sms():
            status = await get_json(client, f"{stack.url('notify')}/notifications/{app_id}")
            sent = [d for d in (status or {}).get("deliveries", []) if d["status"] == "sent"]
            return sent if any(d["template"] == "passed_unit" for d in sent) else None

        sent = await eventually(unit_pass_sms)
        text = next(d["text"] for d in sent if d["template"] == "passed_unit")
        assert text.startswith("【12333】") and DEFAULT_NAME in text
        assert ID_NUMBER not in text and all(ID_NUMBER not in d["text"] for d in sent)
        assert sent[0]["recipient_masked"].count("*") >= 4

        history = (await client.get(f"{stack.url('intake')}/applications/{app_id}",
                                    headers=applicant_token(ID_NUMBER))).json()
        assert [e["event_type"] for e in history["events"]] == ["ApplicationSubmitted"]


async def test_a_refused_filing_gets_a_bilingual_422_and_stores_nothing(stack):
    app = with_new_id(normal_applicant())
    body = submit_body(app, ID_NUMBER)
    body["self_statement"] = "述" * 1001
    body["photo_base64"] = "not base64!"
    async with httpx.AsyncClient(timeout=30) as client:
        refused = await client.post(f"{stack.url('intake')}/applications", json=body,
                                    headers=applicant_token(ID_NUMBER))
        assert refused.status_code == 422
        error = refused.json()
        assert error["code"] == "INVALID_INPUT" and error["message_zh"] and error["message_en"]
        body["photo_base64"] = submit_body(app, ID_NUMBER)["photo_base64"]
        refused = await client.post(f"{stack.url('intake')}/applications", json=body,
                                    headers=applicant_token(ID_NUMBER))
        assert "SELF_STATEMENT_TOO_LONG" in {d["code"] for d in refused.json()["details"]}
        missing = await client.get(f"{stack.url('intake')}/applications/{app.application_id}",
                                   headers=applicant_token(ID_NUMBER))
        assert missing.status_code == 404


async def test_a_stranger_cannot_file_in_someone_elses_name(stack):
    app = with_new_id(normal_applicant())
    async with httpx.AsyncClient(timeout=30) as client:
        other = applicant_token("110101199003070015")
        refused = await client.post(f"{stack.url('intake')}/applications", json=submit_body(app, ID_NUMBER),
                                    headers=other)
        assert refused.status_code == 403 and refused.json()["code"] == "FORBIDDEN"
        anonymous = await client.post(f"{stack.url('intake')}/applications", json=submit_body(app, ID_NUMBER))
        assert anonymous.status_code == 401


async def test_an_auditor_reads_an_applications_history_with_a_verified_hash_chain(stack, eventually):
    app = with_new_id(normal_applicant())
    async with httpx.AsyncClient(timeout=30) as client:
        app = await with_approved_archive(client, stack, app, ID_NUMBER, eventually)
        filed = await client.post(f"{stack.url('intake')}/applications", json=submit_body(app, ID_NUMBER),
                                  headers=applicant_token(ID_NUMBER))
        assert filed.status_code == 201
        auditor = token(Role.AUDITOR, user="审计")
        stream = f"eligibility-{app.application_id}"

        async def audited():
            response = await client.get(f"{stack.url('eligibility')}/audit/streams/{stream}", headers=auditor)
            return response.json() if response.status_code == 200 else None

        trail = await eventually(audited)
        assert trail["intact"] is True and trail["events"][0]["prev_hash"] == "0" * 64
        assert trail["events"][0]["causation_id"] == filed.json()["event_ids"][0]
        unit = token(Role.UNIT, org=app.unit.unit_id)
        refused = await client.get(f"{stack.url('eligibility')}/audit/streams/{stream}", headers=unit)
        assert refused.status_code == 403 and refused.json()["message_en"]


async def test_an_achievement_the_unit_has_not_approved_cannot_be_cited(stack, eventually):
    app = with_new_id(normal_applicant())
    async with httpx.AsyncClient(timeout=30) as client:
        refused = await client.post(f"{stack.url('intake')}/applications", json=submit_body(app, ID_NUMBER),
                                    headers=applicant_token(ID_NUMBER))
        assert refused.status_code == 422
        assert {d["code"] for d in refused.json()["details"]} == {"ACHIEVEMENT_NOT_IN_ARCHIVE"}
        approved = await with_approved_archive(client, stack, app, ID_NUMBER, eventually)
        pending_id = f"ach-pending-{app.application_id.hex[:8]}"
        added = await client.post(f"{stack.url('review')}/archive", headers=applicant_token(ID_NUMBER), json={
            "entry_id": pending_id, "unit_id": app.unit.unit_id, "title": "未审核的业绩", "achieved_on": "2019-01-01"})
        assert added.status_code == 201

        async def intake_knows_pending():
            mine = await get_json(client, f"{stack.url('intake')}/archive", applicant_token(ID_NUMBER))
            return mine and pending_id in {e["entry_id"] for e in mine["entries"]}

        await eventually(intake_knows_pending)
        extra = approved.achievements[0].model_copy(update={"entry_id": pending_id})
        citing_pending = approved.model_copy(update={"achievements": [*approved.achievements, extra]})
        refused = await client.post(f"{stack.url('intake')}/applications", json=submit_body(citing_pending, ID_NUMBER),
                                    headers=applicant_token(ID_NUMBER))
        assert refused.status_code == 422
        assert [d["code"] for d in refused.json()["details"]] == ["ACHIEVEMENT_NOT_APPROVED"]
        filed = await client.post(f"{stack.url('intake')}/applications", json=submit_body(approved, ID_NUMBER),
                                  headers=applicant_token(ID_NUMBER))
        assert filed.status_code == 201, filed.text
