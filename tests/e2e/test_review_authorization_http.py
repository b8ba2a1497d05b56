"""The HTTP layer of the running review service enforces who may do what (the full matrix is unit
tested in tests/unit/review/test_authorization_matrix.py): a role that may never decide gets 403, a
case outside the caller's scope answers 404 exactly like a missing case, both before the body is
looked at; nothing changes, and every refusal is logged."""
import asyncio
import json

import httpx
import pytest

from contracts.envelope import Role
from services.review.adapters.api_cases import COMMANDS
from tests.e2e.api import applicant_token, token
from tests.e2e.conftest import LOGS
from tests.e2e.season import PEOPLE, Season, at_keqiao, named
from tests.fixtures.builders import change_in, normal_applicant

OUTSIDERS = {  # every one of them is outside a keqiao case's scope, or may never decide
    "another applicant": applicant_token("110101199003070015"),
    "another unit": PEOPLE["city_unit"],
    "another area's construction authority": token(Role.CONSTRUCTION_AUTHORITY, org="yc-construction",
                                                   area="yuecheng"),
    "another area's HR bureau": token(Role.HR_BUREAU, org="yc-hr", area="yuecheng"),
    "the auditor": PEOPLE["auditor"],
}
UNIT_DECISIONS = ("unit-pass", "unit-not-pass", "public-notice-start", "objection", "public-notice-complete")


@pytest.fixture(scope="module")
def keqiao_app():
    return at_keqiao(named(normal_applicant(), "吴芳"))


@pytest.fixture
async def season(stack, eventually, keqiao_app):
    async with httpx.AsyncClient(timeout=30) as client:
        season = Season(client, stack, eventually)
        if not (await client.get(season.url("review", f"/cases/{keqiao_app.application_id}"),
                                 headers=PEOPLE["auditor"])).status_code == 200:
            await season.file(keqiao_app)
            await season.reaches(keqiao_app.application_id, "at_unit")
        yield season


def _refusals_logged(app_id: str) -> set[tuple[str, str, int]]:
    lines = (LOGS / "review.log").read_text(encoding="utf-8", errors="replace").splitlines()
    found = set()
    for line in lines:
        if '"review.refused"' in line and app_id in line:
            entry = json.loads(line)
            found.add((entry["decision"], entry["role"], entry["status"]))
    return found


@pytest.mark.parametrize("who", sorted(OUTSIDERS))
async def test_every_decision_by_someone_outside_the_case_is_refused_bilingually_and_logged(
        season, keqiao_app, who):
    app_id = str(keqiao_app.application_id)
    before = await season.case(app_id)
    statuses = set()
    for decision in COMMANDS:
        answer = await season.act(app_id, decision, OUTSIDERS[who])  # empty body: the role is checked first
        error = answer.json()
        assert (answer.status_code, error["code"]) in {(403, "ROLE_NOT_ALLOWED"), (404, "NOT_FOUND")}, \
            (who, decision, answer.text)
        assert error["message_zh"] and error["message_en"]
        statuses.add(answer.status_code)
    after = await season.case(app_id)
    assert (after["case"]["version"], after["case"]["stage"]) == (before["case"]["version"], "at_unit")
    await asyncio.sleep(0.2)
    if statuses == {404}:  # refused by the route's scope check, which logs each refusal with the case
        assert {d for d, _role, _status in _refusals_logged(app_id)} >= set(COMMANDS)


async def test_the_city_hr_bureau_sees_the_whole_city_but_takes_no_unit_decision(season, keqiao_app):
    app_id = keqiao_app.application_id
    for decision in UNIT_DECISIONS:
        assert (await season.refused(app_id, decision, "city_hr", 403, "ROLE_NOT_ALLOWED"))
    await season.refused(app_id, "department-pass", "city_hr", 409, "WRONG_STAGE", opinion="同意")  # not its turn


async def test_the_auditor_reads_every_case_and_export_but_a_batch_of_changes_is_refused_item_by_item(
        season, keqiao_app):
    app_id = str(keqiao_app.application_id)
    assert (await season.case(app_id))["history"][0]["event_type"] == "CaseOpened"
    assert (await season.read("/inbox", "auditor")).json()["role"] == "auditor"
    assert "by_stage" in (await season.read("/dashboard", "auditor")).json()
    assert (await season.csv_rows("/exports/roster?format=csv", "auditor"))[0][0] == "序号"
    assert (await season.xlsx_rows("/exports/roster?area=keqiao&format=xlsx", "auditor"))[0][0] == "序号"
    assert (await season.csv_rows("/exports/public-notice?unit_id=u-kq-jsgs&format=csv", "auditor"))[0][1] == "姓名"
    batch = await season.client.post(season.url("review", "/cases/batch"), headers=PEOPLE["auditor"], json={
        "decision": "return", "items": [{"application_id": app_id, "fields": {}}]})
    assert batch.status_code == 403 and batch.json()["code"] == "ROLE_NOT_ALLOWED"  # the auditor decides nothing
    assert (await season.case(app_id))["case"]["stage"] == "at_unit"


async def test_refusals_answered_over_http_are_logged_by_the_error_handler_too(season):
    missing = "00000000-0000-4000-8000-000000000000"
    answer = await season.act(missing, "unit-pass", "city_unit")
    assert answer.status_code == 404 and answer.json()["code"] == "NOT_FOUND"
    await asyncio.sleep(0.2)
    log = (LOGS / "review.log").read_text(encoding="utf-8", errors="replace")
    assert any('"http.refused"' in line and f"/cases/{missing}/unit-pass" in line for line in log.splitlines())


async def test_a_private_firm_filing_through_the_talent_centre_is_reviewed_by_the_centre_not_the_firm(season):
    firm = change_in(named(normal_applicant(), "郑华"), "unit", unit_id="u-kq-minying", name="绍兴柯桥民营建筑有限公司",
                     area="keqiao", kind="private_enterprise", personnel_files_at_talent_center=True)
    app_id = str(await season.file(firm))
    await season.reaches(app_id, "at_unit")
    centre = token(Role.UNIT, org="keqiao-talent-center", area="keqiao")
    await season.listed("/inbox", centre, "cases", {app_id})
    await season.refused(app_id, "unit-pass", token(Role.UNIT, org="u-kq-minying", area="keqiao"), 404,
                         "NOT_FOUND", opinion="同意")
    assert (await season.does(app_id, "unit-pass", centre, opinion="同意推荐"))["stage"] == "awaiting_notice"
