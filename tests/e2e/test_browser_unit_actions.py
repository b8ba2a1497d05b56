"""The unit's remaining actions clicked in a real browser (headless Chromium), on the four running
services, reusing the season's browser (tests/e2e/browser.py): not pass with an opinion, a
module-level return with opinions (the applicant then sees what to fix on the status page), batch
decisions on several cases at once, each naming the version the officer saw (a case another officer
moved meanwhile is refused in the API's words, the others decided), the public notice's start, an
objection recorded (the notice cannot complete until its outcome is recorded) and its completion,
and the 公示表 downloaded. Each step asserts what the next person sees; every page: a screenshot,
axe-core clean, no CSP violation. The four cases are filed through the API (the filing form is the
season's test)."""
from __future__ import annotations

import asyncio
import csv
import io
import time

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from contracts.envelope import Role
from tests.e2e.api import (applicant_token, filed_by, id_number_of, submit_body, token, with_approved_archive,
                           with_authorised_unit, with_new_id)
from tests.e2e.browser import Browser, front_for
from tests.fixtures.builders import change_in, normal_applicant

UNIT, UNIT_NAME = "u-sx-web-b", "绍兴网页批量测试公司"
REJECTED, RETURNED, OBJECTED, BATCHED = "网页不通过", "网页退回", "网页异议", "网页批量"
ACCOUNTS = [
    {"subject": "ua-unit", "username": "officer", "password": "pw-officer", "uid": "acc-ua-unit", "name": "批量经办人",
     "role": "unit", "org": UNIT, "area": "city"},
    *({"subject": f"ua-{i}", "username": f"app{i}", "password": f"pw-app{i}", "uid": f"acc-ua-{i}", "name": name,
       "role": "applicant", "id_number": id_number_of(name)} for i, name in enumerate((REJECTED, RETURNED), 1)),
]


@pytest.fixture(scope="module")
def front(stack, tmp_path_factory):
    with front_for(stack.ports, ACCOUNTS, tmp_path_factory.mktemp("front-unit")) as f:
        yield f


@pytest.fixture(scope="module")
def browser(front):
    b = Browser(front.url(), series="unit-")
    yield b
    b.quit()


async def _file_four(client: httpx.AsyncClient, stack, eventually) -> dict[str, str]:
    """Four cases filed with the unit through the API, at the unit once review has their names."""
    base = change_in(normal_applicant(), "unit", unit_id=UNIT, name=UNIT_NAME, area="city")
    await with_authorised_unit(client, stack, base, eventually)

    async def file(name: str) -> tuple[str, str]:
        app = filed_by(with_new_id(base), name)
        app = await with_approved_archive(client, stack, app, id_number_of(name), eventually)
        filed = await client.post(stack.url("intake") + "/applications", json=submit_body(app, id_number_of(name)),
                                  headers=applicant_token(id_number_of(name)))
        assert filed.status_code == 201, filed.text
        return name, str(app.application_id)

    ids = dict(await asyncio.gather(*(file(n) for n in (REJECTED, RETURNED, OBJECTED, BATCHED))))
    officer = token(Role.UNIT, org=UNIT, area="city")

    async def named_at_unit():
        inbox = (await client.get(stack.url("review") + "/inbox", headers=officer)).json()
        return {c["applicant_name"] for c in inbox["cases"] if c["stage"] == "at_unit"} >= set(ids)
    await eventually(named_at_unit)
    return ids


def _decide_on_case(b: Browser, name: str) -> None:
    b.go("/unit")
    b.driver.find_element(By.LINK_TEXT, name).send_keys(Keys.ENTER)
    b.wait_for(lambda: "/unit/cases/" in b.driver.current_url, what=f"{name}'s case page")


def _tick(b: Browser, *names: str) -> None:
    for name in names:
        box = b.driver.find_element(By.CSS_SELECTOR, f'input[aria-label="选择{name}"]')
        b.press(box.get_attribute("id"), Keys.SPACE)
        assert box.is_selected()


@pytest.mark.timeout(420)
async def test_the_units_remaining_actions_clicked_through_in_the_browser(stack, front, browser, eventually):
    b = browser
    async with httpx.AsyncClient(timeout=30) as client:
        ids = await _file_four(client, stack, eventually)
    started = time.monotonic()

    # 1. The officer's inbox: four cases at the unit.
    b.sign_in("officer", "pw-officer", "/unit")
    b.reload_until("/unit", "待单位审查：\\s*4")
    b.check("inbox-four")

    # 2. Not passed, with the unit's opinion: the case ends, the applicant reads why.
    _decide_on_case(b, REJECTED)
    b.key_in("reason", "代表性业绩与申报专业不符")
    b.press("not-pass")
    b.wait_for(lambda: "审查未通过" in b.text(), what="the case not passed")
    assert "代表性业绩与申报专业不符" in b.text()  # in the case's history
    b.check("case-not-passed")

    # 3. Returned for one module, with its opinion.
    _decide_on_case(b, RETURNED)
    b.key_in("return-reason", "请补充继续教育证明")
    b.choose("section", "ce_certificates")
    b.key_in("section_reason", "缺2019年度继续教育学时登记证明")
    b.press("return")
    b.wait_for(lambda: "已退回修改" in b.text(), what="the case returned")
    b.check("case-returned")

    # 4. A batch pass on two cases, each with the version the officer saw. Meanwhile another officer
    #    of the unit passes one of them: that item is refused in review's words, the other is decided.
    b.go("/unit?stage=at_unit")
    _tick(b, OBJECTED, BATCHED)
    async with httpx.AsyncClient(timeout=30) as client:
        other = await client.post(f"{stack.url('review')}/cases/{ids[BATCHED]}/unit-pass", json={"opinion": "同意"},
                                  headers=token(Role.UNIT, org=UNIT, area="city", user="另一位经办人"))
        assert other.status_code == 200, other.text
    b.choose("batch-decision", "unit-pass")
    b.key_in("batch-opinion", "材料齐全，同意推荐")
    b.press("batch-submit")
    b.wait_for(lambda: "批量审查：1件成功，1件未完成" in b.text(), what="the batch's answer")
    assert "该申报已更新" in b.text() and "VERSION_MISMATCH" in b.text()
    b.check("batch-pass-one-stale")

    # 5. The notice started for both at once (a batch again, each at the version now shown).
    b.go("/unit?stage=awaiting_notice")
    b.wait_for(lambda: "共2件" in b.text(), what="both awaiting the notice")
    _tick(b, OBJECTED, BATCHED)
    b.choose("batch-decision", "public-notice-start")
    b.key_in("batch-starts", "2020-08-10")
    b.press("batch-submit")
    b.wait_for(lambda: "批量审查：2件成功，0件未完成" in b.text(), what="both notices started")
    # The notice page reads review's case view, which follows the decisions through Kafka: reload
    # until both running notices are listed ("（至…）" is shown for each running notice only).
    b.reload_until("/unit/notice", rf"{OBJECTED}（至2020-08-14）[\s\S]*{BATCHED}（至2020-08-14）|"
                                   rf"{BATCHED}（至2020-08-14）[\s\S]*{OBJECTED}（至2020-08-14）")
    assert OBJECTED in b.text() and BATCHED in b.text() and "至2020-08-14" in b.text()
    b.check("notice-running")

    # 6. The 公示表, downloaded by a click: it names both.
    b.press("notice-csv")
    b.wait_for(lambda: any(p.suffix == ".csv" for p in b.downloads.iterdir()), what="the 公示表 downloaded")
    table = next(p for p in b.downloads.iterdir() if p.suffix == ".csv").read_text(encoding="utf-8-sig")
    names = {cell for row in csv.reader(io.StringIO(table)) for cell in row}
    assert {OBJECTED, BATCHED} <= names

    # 7. An objection recorded during the notice; after the fifth working day the notice cannot be
    #    completed until the objection's outcome is recorded; then it is, and the case goes on.
    _decide_on_case(b, OBJECTED)
    b.key_in("summary", "反映其业绩材料存在夸大")
    b.press("objection")
    b.wait_for(lambda: "收到异议" in b.text(), what="the objection recorded")
    b.check("objection-recorded")
    case_url = b.driver.current_url
    stack.set_season_time("2020-08-17T09:00:00+08:00")
    try:
        b.driver.get(case_url)
        b.press("notice-complete")
        b.wait_for(lambda: "OBJECTION_UNRESOLVED" in b.text(), what="completion refused while the objection is open")
        b.check("notice-held-by-objection")
        b.key_in("finding", "经核实，业绩材料真实，异议不成立")
        b.press("objection-resolve")
        b.wait_for(lambda: "异议核实" in b.text(), what="the objection's outcome recorded")
        b.press("notice-complete")
        b.wait_for(lambda: "待建设主管部门审查" in b.text(), what="the case forwarded")
        b.check("notice-completed")
        # The next person: the construction authority finds the case in its inbox.
        async with httpx.AsyncClient(timeout=30) as client:
            authority = token(Role.CONSTRUCTION_AUTHORITY, org="sx-city-construction", area="city")

            async def at_authority():
                inbox = await client.get(stack.url("review") + "/inbox", headers=authority)
                return ids[OBJECTED] in {c["application_id"] for c in inbox.json().get("cases", [])}
            await eventually(at_authority)
        b.sign_out()

        # 8. What the applicants see: the unit's opinion on the case not passed; what to fix after the return.
        b.sign_in("app1", "pw-app1", "/applicant")
        b.reload_until("/applicant", "审查未通过")
        assert "单位审查不通过" in b.text() and "代表性业绩与申报专业不符" in b.text()
        b.check("applicant-not-passed")
        b.sign_out()
        b.sign_in("app2", "pw-app2", "/applicant")
        b.reload_until("/applicant", "申报已被退回修改")
        to_fix = b.driver.find_element(By.CSS_SELECTOR, ".case [role=alert]").text  # the return, above the history
        assert "请补充继续教育证明" in to_fix and "继续教育：缺2019年度继续教育学时登记证明" in to_fix and "修改后重新提交" in to_fix
        b.check("applicant-returned")
        b.sign_out()
    finally:
        stack.set_season_time(None)
    print(f"\nbrowser part: {time.monotonic() - started:.1f}s")
