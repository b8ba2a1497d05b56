"""A whole filing season over the four running services: every route, a city-level and a district
unit, a return and resubmission, the notice, both departments, interviews, the city, the fee, the
read models and the deadline. Review's clock travels (restart with another offset) and is put
back at the end of the module, so the other end-to-end tests keep the shared season clock.

The tests run in file order and build on each other (one season)."""
import httpx
import pytest

from tests.e2e.api import applicant_token, filer
from tests.e2e.season import CITY_UNIT, PEOPLE, Season, at_keqiao, named
from tests.fixtures.builders import (ID_NUMBER, landmark_applicant, normal_applicant, skill_talent_applicant,
                                     transfer_applicant)

OPINION = {"opinion": "材料真实完整，同意推荐"}
RETURN = {"reason": "继续教育证明不完整", "sections": [{"section": "ce_certificates", "reason": "缺少2019年继续教育证书"}]}
CITY_CASES, KQ_CASES = ("N1", "R1", "T1", "L1"), ("K1", "L2", "S1")
PASSED = CITY_CASES + KQ_CASES


@pytest.fixture(scope="module")
def apps():
    return {
        "N1": named(normal_applicant(), "王建国"),
        "R1": named(normal_applicant(), "李明"),
        "T1": named(transfer_applicant(), "张伟"),
        "L1": named(landmark_applicant(), "赵磊"),
        "K1": at_keqiao(named(normal_applicant(), "陈静", specialty="建筑设计")),
        "L2": at_keqiao(named(landmark_applicant(), "刘洋")),
        "S1": at_keqiao(named(skill_talent_applicant(), "孙强")),
        "B1": at_keqiao(named(normal_applicant(), "周敏")),
    }


@pytest.fixture(scope="module")
def ids(apps):
    return {k: str(a.application_id) for k, a in apps.items()}


@pytest.fixture(scope="module")
def travel(stack):
    yield stack.set_season_time
    stack.set_season_time(None)  # back to the shared season clock for the other modules


@pytest.fixture
async def season(stack, eventually):
    async with httpx.AsyncClient(timeout=30) as client:
        yield Season(client, stack, eventually)


async def test_applicants_of_every_route_file_and_their_cases_open_at_their_units(season, apps, ids, travel):
    for app in apps.values():
        await season.file(app)
    for key in apps:
        case = (await season.reaches(ids[key], "at_unit"))["case"]
        assert case["level"] == "unit" and case["summary"]["unit_id"] == apps[key].unit.unit_id
    assert (await season.case(ids["L1"]))["case"]["interview_required"] is True
    own = await season.client.get(season.url("review", f"/cases/{ids['N1']}"), headers=applicant_token(ID_NUMBER))
    assert own.status_code == 200 and own.json()["case"]["stage"] == "at_unit"  # the applicant reads their own case
    inbox = await season.listed("/inbox", "city_unit", "cases", {ids[k] for k in CITY_CASES})
    assert {c["unit_id"] for c in inbox["cases"]} == {CITY_UNIT}
    assert not {ids[k] for k in KQ_CASES} & {c["application_id"] for c in inbox["cases"]}


async def test_a_returned_application_is_resubmitted_checked_again_and_reopens_with_its_history(season, apps, ids):
    assert (await season.does(ids["R1"], "return", "city_unit", **RETURN))["stage"] == "returned"

    async def return_reached_intake():
        history = await season.client.get(season.url("intake", f"/applications/{ids['R1']}"),
                                          headers=applicant_token(filer(apps["R1"])[1]))  # 李明's own
        return history.json()["open_return"]
    open_return = await season.eventually(return_reached_intake)
    assert "ce_certificates" in open_return["sections"]

    corrected = apps["R1"].model_copy(update={"attachments": [
        *apps["R1"].attachments, apps["R1"].attachments[1].model_copy(update={"attachment_id": "att-ce-2019-new"})]})
    await season.resubmit(corrected)
    reopened = await season.reaches(ids["R1"], "at_unit", revision=2)
    types = [e["event_type"] for e in reopened["history"]]
    assert types == ["CaseOpened", "Returned", "CaseMovedTo", "CaseOpened"]  # returned: nobody acts until resubmitted
    assert [e["payload"]["revision"] for e in reopened["history"] if e["event_type"] == "CaseOpened"] == [1, 2]
    assert reopened["history"][1]["payload"]["sections"][0]["section"] == "ce_certificates"
    assert (await season.sms(ids["R1"], "application_returned"))["text"].count("继续教育") >= 1


async def test_a_retried_decision_with_its_idempotency_key_gets_the_first_answer_and_records_once(season, ids):
    url = season.url("review", f"/cases/{ids['N1']}/unit-pass")
    headers = {**PEOPLE["city_unit"], "Idempotency-Key": f"p-{ids['N1']}"}
    first = await season.client.post(url, json=OPINION, headers=headers)
    retried = await season.client.post(url, json=OPINION, headers=headers)
    assert first.status_code == retried.status_code == 200 and first.json() == retried.json()
    assert first.json()["case"]["stage"] == "awaiting_notice"
    reused = await season.client.post(url, json={"opinion": "另一意见"}, headers=headers)
    assert (reused.status_code, reused.json()["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert [e["event_type"] for e in (await season.case(ids["N1"]))["history"]] == ["CaseOpened", "UnitApproved"]


async def test_units_pass_one_by_one_and_in_a_batch_that_answers_for_each_item(season, ids):
    await season.refused(ids["N1"], "unit-pass", "city_unit", 409, "WRONG_STAGE", **OPINION)  # already passed
    for key in ("R1", "T1", "L1"):
        assert (await season.does(ids[key], "unit-pass", "city_unit", **OPINION))["stage"] == "awaiting_notice"
    items = [{"application_id": ids[k], "fields": OPINION} for k in KQ_CASES]
    items += [{"application_id": ids["B1"], "fields": {}},  # no opinion: malformed
              {"application_id": ids["N1"], "fields": OPINION}]  # another unit's case
    headers = {**PEOPLE["kq_unit"], "Idempotency-Key": f"batch-{ids['B1']}"}
    answer = await season.client.post(season.url("review", "/cases/batch"), headers=headers,
                                      json={"decision": "unit-pass", "items": items})
    assert answer.status_code == 200, answer.text
    batch = answer.json()
    assert (batch["succeeded"], batch["failed"]) == (3, 2)
    retried = await season.client.post(season.url("review", "/cases/batch"), headers=headers,
                                       json={"decision": "unit-pass", "items": items})
    assert retried.json() == batch  # the first answer, nothing recorded twice
    outcome = {r["application_id"]: (r["ok"], r.get("status"), r.get("code")) for r in batch["results"]}
    assert all(outcome[ids[k]][0] for k in KQ_CASES)
    assert outcome[ids["B1"]] == (False, 422, "INVALID_INPUT")
    assert outcome[ids["N1"]] == (False, 404, "NOT_FOUND")  # outside the unit: as if it did not exist
    assert (await season.case(ids["B1"]))["case"]["stage"] == "at_unit"


async def test_the_notice_lasts_five_working_days_and_cannot_be_completed_early(season, ids):
    for key in PASSED:
        unit = "city_unit" if key in CITY_CASES else "kq_unit"
        case = await season.does(ids[key], "public-notice-start", unit, starts_on="2020-08-10")
        assert (case["stage"], case["notice_starts_on"], case["notice_ends_on"]) == (
            "public_notice", "2020-08-10", "2020-08-14")
    error = await season.refused(ids["N1"], "public-notice-complete", "city_unit", 409, "NOTICE_NOT_ENDED",
                                 result="公示期间无异议")
    assert error["details"]["ends_on"] == "2020-08-14"
    await season.does(ids["T1"], "objection", "city_unit", summary="有群众反映业绩署名顺序")
    inbox = await season.listed("/inbox", "kq_unit", "public_notices_running", {ids[k] for k in KQ_CASES})
    assert inbox["deadline"] == "2020-08-20"

    async def table():
        rows = await season.csv_rows(f"/exports/public-notice?unit_id={CITY_UNIT}&format=csv", "city_unit")
        return rows if len(rows) == 1 + len(CITY_CASES) else None
    rows = await season.eventually(table)
    assert rows[0][:2] == ["序号", "姓名"] and {r[1] for r in rows[1:]} == {"王建国", "李明", "张伟", "赵磊"}
    assert {r[-1] for r in rows[1:]} == {"2020-08-10至2020-08-14"}
    await season.sms(ids["N1"], "public_notice_started")


async def test_after_the_notice_each_department_passes_only_once_it_waived_the_fee(season, ids, travel):
    travel("2020-08-17T09:00:00+08:00")  # the 5th working day (Fri 08-14) has ended
    error = await season.refused(ids["T1"], "public-notice-complete", "city_unit", 409, "OBJECTION_UNRESOLVED",
                                 result="公示期满")  # the objection holds the case
    assert "确认无意见后方可报送" in error["message_zh"]
    await season.does(ids["T1"], "objection-resolve", "city_unit", upheld=False, finding="经核实署名顺序无误")
    for key in PASSED:
        unit = "city_unit" if key in CITY_CASES else "kq_unit"
        case = await season.does(ids[key], "public-notice-complete", unit, result="公示期满，无异议")
        assert case["stage"] == "at_construction_authority"
    await season.listed("/inbox", "kq_construction", "cases", {ids[k] for k in KQ_CASES})
    departments = ((CITY_CASES, "city_construction", "city_hr"), (KQ_CASES, "kq_construction", "kq_hr"))
    for keys, construction, hr in departments:
        for key in keys:
            await season.refused(ids[key], "department-pass", construction, 409, "FEE_OPTION_NOT_SET", **OPINION)
            assert (await season.does(ids[key], "fee-option", construction, charge=False))["fee_options"] == {
                "construction_authority": False}
            passed = await season.does(ids[key], "department-pass", construction, **OPINION)
            assert passed["stage"] == "at_hr_bureau"
            await season.refused(ids[key], "department-pass", hr, 409, "FEE_OPTION_NOT_SET", **OPINION)
            await season.does(ids[key], "fee-option", hr, charge=False)
            case = await season.does(ids[key], "department-pass", hr, **OPINION)
            interview = key[0] in "TL"
            assert case["stage"] == ("interview_pending" if interview else "awaiting_recommendation")
    await season.sms(ids["K1"], "passed_construction_authority")
    paper = (await season.sms(ids["K1"], "passed_hr_bureau_paper"))["text"]
    assert "一式3份" in paper and "柯桥区纺都路1066号" in paper  # 附件3: the form's copies; 附件4: where
    view = (await season.case(ids["K1"], "kq_unit"))["case"]["paper"]
    assert view["evaluation_form_copies"] == 3 and "柯桥区人力资源和社会保障局" in view["deliver_to"]


async def test_interviews_decide_the_transfer_and_landmark_applicants(season, ids, travel):
    at = {"at": "2020-08-17T15:00:00+08:00", "place": "绍兴市人社大楼1318室"}
    for key, hr in (("T1", "city_hr"), ("L1", "city_hr"), ("L2", "kq_hr")):
        await season.refused(ids[key], "recommend", hr, 409, "WRONG_STAGE")
        assert (await season.does(ids[key], "interview-schedule", hr, **at))["interview_at"].startswith("2020-08-17")
    await season.refused(ids["L2"], "interview-result", "kq_hr", 409, "INTERVIEW_NOT_HELD", passed=True)
    for key, hr in (("N1", "city_hr"), ("R1", "city_hr"), ("K1", "kq_hr"), ("S1", "kq_hr")):
        assert (await season.does(ids[key], "recommend", hr, opinion="同意推荐"))["stage"] == "at_city"

    travel("2020-08-18T09:00:00+08:00")
    await season.does(ids["T1"], "interview-result", "city_hr", passed=True)
    await season.does(ids["L2"], "interview-result", "kq_hr", passed=True, remarks="答辩良好")
    failed = await season.does(ids["L1"], "interview-result", "city_hr", passed=False, remarks="业务答辩未达要求")
    assert failed["stage"] == "closed_interview_failed"
    await season.refused(ids["L1"], "recommend", "city_hr", 409, "WRONG_STAGE")
    for key, hr in (("T1", "city_hr"), ("L2", "kq_hr")):
        assert (await season.does(ids[key], "recommend", hr))["stage"] == "at_city"
    assert "业务答辩未达要求" in (await season.sms(ids["L1"], "interview_failed"))["text"]


async def test_the_city_forwards_every_recommended_case_and_records_the_fee(season, ids):
    forwarded = [k for k in PASSED if k != "L1"]
    for key in forwarded:
        assert (await season.does(ids[key], "forward", "city_hr", batch_id="sx-2020-1"))["stage"] == "forwarded"
        await season.refused(ids[key], "fee-payment", "city_hr", 409, "FEE_NOT_REQUESTED",
                             amount_yuan=600, paid_at="2020-08-18T08:30:00+08:00")
        assert (await season.does(ids[key], "fee-request", "city_hr", amount_yuan=600,
                                  due_by="2020-08-28T12:00:00+08:00"))["fee_requested"] == 600
        paid = await season.does(ids[key], "fee-payment", "city_hr", amount_yuan=600,
                                 paid_at="2020-08-18T08:30:00+08:00", receipt=f"R-{key}")
        assert paid["fee_paid"] is True
    await season.sms(ids["S1"], "forwarded_to_committee")
    await season.sms(ids["S1"], "fee_due")


CITY_ROSTER = ["陈静", "王建国", "李明", "张伟", "刘洋", "孙强"]  # 正常申报 by specialty, then 转评, 标志性业绩, 技能人才


async def test_the_read_models_count_the_season_and_export_the_roster_in_its_order(season, ids):
    async def counted():
        board = (await season.read("/dashboard", "city_hr")).json()
        stages = board["by_stage"]
        return board if stages.get("forwarded", 0) >= 6 and stages.get("closed_interview_failed", 0) >= 1 else None
    board = await season.eventually(counted)
    assert board["today"] == "2020-08-18" and board["by_area"]["keqiao"] >= 4 and board["by_area"]["city"] >= 4
    assert {"normal", "transfer", "landmark", "skill_talent"} <= board["by_category"].keys()
    assert board["near_deadline"][0]["days_left"] == 2 and board["near_deadline"][0]["waiting"] >= 1

    async def roster(path, who, expected):
        rows = await season.csv_rows(path, who)
        return rows if [r[1] for r in rows[1:]] == expected else None
    rows = await season.eventually(lambda: roster("/exports/roster?format=csv", "city_hr", CITY_ROSTER))
    assert [r[5] for r in rows[1:]] == ["正常申报"] * 3 + ["转评建设工程专业高级工程师后申报", "标志性业绩", "技能人才"]
    assert [r[9] for r in rows[1:]] == ["4" if r[7] == "是" else "3" for r in rows[1:]]  # 评审表份数
    assert all("********" in r[2] for r in rows[1:])
    await season.eventually(lambda: roster("/exports/roster?area=keqiao&format=csv", "kq_hr", ["陈静", "刘洋", "孙强"]))
    await season.eventually(lambda: roster("/exports/roster?area=city&format=csv", "auditor", ["王建国", "李明", "张伟"]))
    sheet = await season.xlsx_rows("/exports/roster?format=xlsx", "city_hr")
    assert sheet[0][0] == "序号" and [r[1] for r in sheet[1:]] == CITY_ROSTER
    assert (await season.client.get(season.url("review", "/exports/roster?format=csv"),
                                    headers=PEOPLE["kq_hr"])).status_code == 403  # merged: city only


async def test_a_case_its_unit_never_decided_is_closed_by_the_sweep_after_the_deadline_and_both_are_told(
        season, ids, travel):
    assert (await season.case(ids["B1"]))["case"]["stage"] == "at_unit"
    travel("2020-08-21T09:00:00+08:00")  # review restarts on 08-21: its sweep runs at start

    async def swept():
        found = await season.case(ids["B1"])
        return found if found["case"]["stage"] == "closed_overdue" else None
    after = await season.eventually(swept)
    overdue = [e for e in after["history"] if e["event_type"] == "ClosedOverdue"]
    assert [(e["payload"]["reason"], e["payload"]["deadline"]) for e in overdue] == [("逾期未审核", "2020-08-20")]
    error = await season.refused(ids["B1"], "unit-pass", "kq_unit", 409, "DEADLINE_PASSED", **OPINION)
    assert "逾期未审核" in error["message_zh"]
    assert "逾期未审核" in (await season.sms(ids["B1"], "closed_overdue"))["text"]
