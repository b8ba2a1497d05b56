"""A filing season clicked through in a real browser (headless Chromium), on the four running services:
an applicant signs in, adds an archive entry, the unit approves it, the applicant uploads a photo and
attachments and files, with the keyboard only, and the unit passes the case after its public notice.
Each step asserts what the next person sees. Every page: a screenshot kept, no WCAG 2.1 A/AA
violation (axe-core), no Content-Security-Policy violation in the console."""
from __future__ import annotations

import json

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from contracts.plan import load_plan
from tests.e2e.api import id_number_of, with_authorised_unit
from tests.e2e.browser import Browser, Front, csp_violations
from tests.fixtures.builders import UNIT_CODE, normal_applicant
from tests.fixtures.builders import change_in
from tests.fixtures.photos import photo_bytes

PLAN = load_plan("shaoxing-2020")
UNIT = "u-sx-web"
NAME = "网页申报人"
ACCOUNTS = [
    {"subject": "web-applicant", "username": "applicant", "password": "pw-applicant", "uid": "acc-web-1",
     "name": NAME, "role": "applicant", "id_number": id_number_of(NAME)},
    {"subject": "web-unit", "username": "unit", "password": "pw-unit", "uid": "acc-web-2", "name": "单位经办人",
     "role": "unit", "org": UNIT, "area": "city"},
]


def _pdf(text: str) -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + text.encode() + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n")


@pytest.fixture(scope="module")
def front(stack, tmp_path_factory):
    run = tmp_path_factory.mktemp("front")
    accounts = run / "accounts.json"
    accounts.write_text(json.dumps({"accounts": ACCOUNTS}, ensure_ascii=False), encoding="utf-8")
    f = Front(stack.ports, accounts, run)
    f.start()
    yield f
    f.stop()


@pytest.fixture(scope="module")
def browser(front):
    b = Browser(front.url())
    yield b
    b.quit()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("uploads")
    made = {"photo.jpg": photo_bytes(), "ce-2018.pdf": _pdf("ce 2018"), "ce-2019.pdf": _pdf("ce 2019"),
            "letter.pdf": _pdf("appointment letter"), "not-a-photo.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64}
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.timeout(420)  # ~2 minutes alone on 2 cores; room for a machine shared with other work
async def test_a_season_clicked_through_in_the_browser(stack, front, browser, files, eventually):
    b = browser
    unit = change_in(normal_applicant(), "unit", unit_id=UNIT, name="绍兴网页测试建筑公司", area="city")
    async with httpx.AsyncClient(timeout=30) as client:
        await with_authorised_unit(client, stack, unit, eventually)  # the city's part: the next issue's pages

    # The detector can fail: an inline script is refused by the page's policy and reported.
    b.go("/")
    b.check("landing")
    b.driver.execute_script("const s = document.createElement('script'); s.textContent = 'window.x = 1';"
                            " document.body.appendChild(s);")
    assert csp_violations(b.driver.get_log("browser")), "an inline script must be refused and reported"

    # 1. The applicant signs in and adds an archive entry; it waits for the unit.
    b.sign_in("applicant", "pw-applicant", "/applicant", check_provider=True)
    b.check("applicant-status-empty")
    assert "您还没有提交申报" in b.text()
    b.go("/applicant/archive")
    b.key_in("title", "绍兴网页测试中心结构设计")
    b.key_in("achieved_on", "2019-06-30")
    b.key_in("unit_id", UNIT)
    b.keys(Keys.ENTER)
    b.wait_for(lambda: "已提交单位审核" in b.text(), what="the entry sent")
    b.reload_until("/applicant/archive", "待单位审核")
    b.check("applicant-archive")
    cookie = b.driver.get_cookie("zc_session")
    b.sign_out()
    # A cookie replayed after sign-out signs no one in.
    b.driver.add_cookie({"name": "zc_session", "value": cookie["value"], "path": "/"})
    b.go("/applicant")
    assert b.driver.current_url == front.url() + "/" and "退出登录" not in b.text()

    # 2. The unit approves the entry.
    b.sign_in("unit", "pw-unit", "/unit")
    b.check("unit-inbox-empty")
    b.reload_until("/unit/archive", "绍兴网页测试中心结构设计")
    b.check("unit-archive")
    b.press("approve-1")
    b.wait_for(lambda: "已审核通过" in b.text(), what="the approval")
    b.sign_out()

    # 3. The applicant files, with the keyboard only.
    b.sign_in("applicant", "pw-applicant", "/applicant")
    b.reload_until("/applicant/archive", "已审核通过")
    b.go("/applicant/filing/1")
    b.check("filing-1")
    b.key_in("name", NAME)
    mine = id_number_of(NAME)
    b.key_in("id_number", mine[:-1] + ("1" if mine[-1] != "1" else "2"))  # a mistyped check digit
    b.key_in("phone", "13800138123")
    b.press("save")
    # Saved as a draft, and intake's door check of this step shown on it, in intake's words, tied to the field.
    b.wait_for(lambda: "身份证号码校验位不正确" in b.text(), what="the ID number's door check inline")
    field = b.driver.find_element(By.ID, "id_number")
    check = b.driver.find_element(By.ID, field.get_attribute("aria-describedby").split()[-1])
    assert field.get_attribute("aria-invalid") == "true" and "ID_NUMBER_CHECKSUM" in check.text
    assert "/filing/1" in b.driver.current_url and "本步已保存为草稿" in b.text()
    b.check("filing-1-checked")
    b.retype("id_number", mine)
    b.press("save")
    b.wait_for(lambda: "/filing/2" in b.driver.current_url, what="step 2")
    assert "申报前检查未发现问题" in b.text()
    b.check("filing-2")
    b.key_in("unit_id", UNIT)
    b.key_in("unit_name", "绍兴网页测试建筑公司")
    b.key_in("credit_code", UNIT_CODE)
    b.choose("unit_area", "city")
    b.choose("unit_kind", "state_enterprise")
    b.choose("specialty", "建筑结构")
    b.key_in("professional_years", "32")
    b.press("save")
    b.wait_for(lambda: "/filing/3" in b.driver.current_url, what="step 3")
    b.check("filing-3")
    for field, value in (("senior_qualified_on", "2012-11-20"), ("senior_appointed_on", "2013-01-01"),
                         ("engineer_appointed_on", "2005-01-01"), ("letter_title", "高级工程师"),
                         ("letter_start", "2013-01-01"), ("si_since", "2003-07-01")):
        b.key_in(field, value)
    for year in PLAN.assessment_years:
        b.choose(f"assessment_{year}", "合格")
    short = min(PLAN.continuing_education.certificate_years)
    for year in PLAN.continuing_education.record_years:
        b.key_in(f"ce_{year}_professional", "50" if year == short else "66")  # one year short of hours
        b.key_in(f"ce_{year}_general", "18")
        b.key_in(f"ce_{year}_industry", "12")
    b.press("save")
    # Eligibility's hours rule, in its words, on the step where the hours are typed.
    b.wait_for(lambda: f"{short}年度继续教育专业科目50学时" in b.text(), what="the hours rule inline")
    assert "CE_HOURS" in b.driver.find_element(By.ID, "checks").text and "/filing/3" in b.driver.current_url
    b.check("filing-3-checked")
    b.retype(f"ce_{short}_professional", "66")
    b.press("save")
    b.wait_for(lambda: "/filing/4" in b.driver.current_url, what="step 4")
    b.check("filing-4")
    b.press("save")  # nothing cited yet: the door's achievement check, inline
    b.wait_for(lambda: "请至少选择一项代表性业绩" in b.text(), what="the achievements' door check inline")
    assert "/filing/4" in b.driver.current_url
    b.press("ach-1", Keys.SPACE)
    b.press("save")
    b.wait_for(lambda: "/filing/5" in b.driver.current_url, what="step 5")
    assert "未上传证件照" in b.text() and "未上传聘书" in b.text()  # the uploads step's checks, before any upload
    # A PNG offered as the photo is refused, in the API's words, inline.
    b.tab_to("file-1")
    b.active().send_keys(str(files / "not-a-photo.png"))
    b.press("upload-1")
    b.wait_for(lambda: "文件格式不支持" in b.text(), what="the photo refused for its content")
    b.check("filing-5-refused")
    for index, name in enumerate(("photo.jpg", "ce-2018.pdf", "ce-2019.pdf", "letter.pdf"), start=1):
        b.tab_to(f"file-{index}")
        b.active().send_keys(str(files / name))  # a file chooser is the system's: Selenium gives it the path
        b.press(f"upload-{index}")
        b.wait_for(lambda: b.driver.find_elements(By.CSS_SELECTOR, "table tbody tr")
                   and "尚未上传" not in b.text() and len(b.driver.find_elements(By.CSS_SELECTOR, "table tbody tr")) >= index,
                   what=f"upload {name} listed")
    assert "未上传" not in b.driver.find_element(By.ID, "checks").text and "本步未发现问题" in b.text()
    b.check("filing-5")
    b.press("next")
    b.wait_for(lambda: "/filing/6" in b.driver.current_url, what="step 6")
    b.key_in("self_statement", "长期从事高层建筑结构设计，主持完成多项重点工程结构设计。")
    b.press("pledge", Keys.SPACE)
    b.check("filing-6")
    b.press("submit")
    b.wait_for(lambda: "/applicant?filed=1" in b.driver.current_url, what="the filing accepted")
    b.reload_until("/applicant", "待单位审查")
    b.check("applicant-status-filed")
    b.sign_out()

    # 4. The unit sees the case in its inbox, passes it and starts the notice.
    b.sign_in("unit", "pw-unit", "/unit")
    b.reload_until("/unit", NAME)
    assert "待单位审查" in b.text()
    b.check("unit-inbox")
    b.choose("stage", "at_unit")
    b.press("filter")
    b.wait_for(lambda: "共1件（待单位审查）" in b.text(), what="the cases table filtered")
    assert b.driver.current_url == front.url() + "/unit"  # htmx swapped the table in place
    b.check("unit-inbox-filtered")
    b.driver.find_element(By.LINK_TEXT, NAME).send_keys(Keys.ENTER)
    b.wait_for(lambda: "/unit/cases/" in b.driver.current_url, what="the case page")
    case_url = b.driver.current_url
    assert "继续教育学时登记证明" in b.text() and "下载" in b.text()
    b.check("unit-case")
    b.key_in("opinion", "材料真实完整，同意推荐")
    b.keys(Keys.ENTER)
    b.wait_for(lambda: "单位审查通过，待公示" in b.text(), what="the pass recorded")
    b.key_in("starts_on", "2020-08-10")
    b.keys(Keys.ENTER)
    b.wait_for(lambda: "公示中" in b.text(), what="the notice running")
    b.check("unit-case-notice")

    # 5. After the notice's fifth working day, the unit completes it: the case goes on.
    stack.set_season_time("2020-08-17T09:00:00+08:00")
    try:
        b.driver.get(case_url)
        b.press("notice-complete")
        b.wait_for(lambda: "待建设主管部门审查" in b.text(), what="the case forwarded")
        b.check("unit-case-forwarded")
        b.go("/unit/notice")
        b.check("unit-notice")
        table = httpx.get(front.url() + "/unit/notice/table?format=csv",
                          cookies={"zc_session": b.driver.get_cookie("zc_session")["value"]})
        assert table.status_code == 200 and NAME in table.text  # the 公示表 names the applicant
        b.sign_out()

        # 6. The applicant sees each decision with its words, and the SMS sent.
        b.sign_in("applicant", "pw-applicant", "/applicant")
        b.reload_until("/applicant", "待建设主管部门审查")
        b.reload_until("/applicant", r"短信通知\n(?!尚无短信)")
        text = b.text()
        assert "单位审查通过" in text and "材料真实完整，同意推荐" in text and "公示开始" in text
        b.check("applicant-status")
    finally:
        stack.set_season_time(None)
