import csv
import io
import uuid
from datetime import date, timedelta

from openpyxl import load_workbook

from contracts.application import Route
from services.review.adapters.exports import to_csv, to_xlsx
from services.review.domain import commands as c
from services.review.domain.roster import (NOTICE_HEADERS, ROSTER_HEADERS, RosterEntry, notice_rows, roster_order,
                                           roster_rows)

from contracts.personal_record import ERASED

from .builders import PLAN, Story, at, people_of, summary


def _entry(route, specialty="建筑结构", minutes=0, name="甲"):
    return RosterEntry(uuid.uuid4(), name, "330602********0000", "某公司", "越城区人力资源和社会保障局", route,
                       specialty, route in (Route.TRANSFER, Route.LANDMARK), at(2020, 7, 1) + timedelta(minutes=minutes))


def test_the_roster_orders_categories_normal_transfer_landmark_skill_talent():
    entries = [_entry(Route.SKILL_TALENT), _entry(Route.LANDMARK), _entry(Route.TRANSFER), _entry(Route.NORMAL)]
    assert [e.route for e in roster_order(entries)] == [Route.NORMAL, Route.TRANSFER, Route.LANDMARK,
                                                        Route.SKILL_TALENT]


def test_within_normal_filing_the_roster_groups_by_specialty_in_plan_order_then_submission_time():
    late_design = _entry(Route.NORMAL, "建筑设计", 30, "late")
    early_structure = _entry(Route.NORMAL, "建筑结构", 0, "early-structure")
    early_design = _entry(Route.NORMAL, "建筑设计", 10, "early-design")
    ordered = roster_order([late_design, early_structure, early_design], PLAN.reviewable_specialties)
    assert [e.name for e in ordered] == ["early-design", "late", "early-structure"]


def test_other_categories_are_ordered_by_submission_time_only():
    second = _entry(Route.TRANSFER, "建筑设计", 20, "second")
    first = _entry(Route.TRANSFER, "岩土工程", 5, "first")
    assert [e.name for e in roster_order([second, first], PLAN.reviewable_specialties)] == ["first", "second"]


def test_the_roster_order_does_not_depend_on_the_input_order():
    entries = [_entry(route, spec, m) for route in Route for spec in ("建筑设计", "工程管理") for m in (1, 2)]
    assert roster_order(entries) == roster_order(list(reversed(entries)))


def _recommended(area, route, name, minutes):
    return Story(summary(area=area, route=route, name=name, unit_id=f"{area}-u",
                         submitted_at=at(2020, 7, 1) + timedelta(minutes=minutes))).at_city().case


def test_a_receiving_units_roster_and_the_merged_city_roster():
    cases = [_recommended("yuecheng", Route.LANDMARK, "越城甲", 1), _recommended("keqiao", Route.NORMAL, "柯桥乙", 2),
             _recommended("yuecheng", Route.NORMAL, "越城丙", 3), Story().case]  # the last is not recommended
    people = people_of(cases)
    assert [row[1] for row in roster_rows(cases, PLAN, "yuecheng", people)] == ["越城丙", "越城甲"]
    merged = roster_rows(cases, PLAN, people=people)
    assert [row[1] for row in merged] == ["柯桥乙", "越城丙", "越城甲"]
    assert merged[0] == [1, "柯桥乙", "330602************", "keqiao-u公司", "柯桥区人力资源和社会保障局", "正常申报",
                         "建筑结构", "否", "2020-07-01 10:02", 3,
                         "柯桥区人力资源和社会保障局专业技术人员管理科（柯桥区纺都路1066号公共服务大楼，电话84126032）"]
    assert merged[2][5:8] == ["标志性业绩", "建筑结构", "是"]


def test_the_public_notice_table_lists_the_units_cases_under_notice():
    story = Story().unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    rows = notice_rows([story.case, Story().case], "unit-yc-1", {story.id: ["镜湖大桥", "越王路改造"]},
                       people_of([story.case]))
    assert rows == [[1, "张三", "unit-yc-1公司", "建筑结构", "正常申报", "正高级工程师", "", "镜湖大桥；越王路改造", "",
                     "2020-07-06至2020-07-10"]]  # a summary without the 公示表 facts: archive titles serve


def test_the_public_notice_table_shows_the_current_title_with_its_dates_the_cited_and_the_landmark_achievements():
    s = summary().model_copy(update={
        "current_title": "高级工程师", "current_title_qualified_on": date(2012, 11, 20),
        "current_title_appointed_on": date(2013, 1, 1), "cited_achievements": ["镜湖大桥"],
        "landmark_achievements": ["国家优质工程奖"]})
    story = Story(s).unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    [row] = notice_rows([story.case], "unit-yc-1", {story.id: ["镜湖大桥", "另一项已审核但未引用的业绩"]})
    assert row[6:9] == ["高级工程师（2012-11-20取得资格，2013-01-01聘任）", "镜湖大桥", "国家优质工程奖"]


def test_csv_has_chinese_headers_and_a_bom_for_excel():
    data = to_csv([[1, "张三", None]], ["序号", "姓名", "备注"])
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [["序号", "姓名", "备注"], ["1", "张三", ""]]


def test_the_workbook_has_the_headers_and_rows_in_order():
    cases = [_recommended("yuecheng", Route.TRANSFER, "甲", 1), _recommended("yuecheng", Route.NORMAL, "乙", 2)]
    rows = roster_rows(cases, PLAN, people=people_of(cases))
    book = load_workbook(io.BytesIO(to_xlsx(rows, ROSTER_HEADERS, "评委会评审对象花名册")))
    sheet = book["评委会评审对象花名册"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ROSTER_HEADERS and [v[1] for v in values[1:]] == ["乙", "甲"]
    assert to_csv(rows, NOTICE_HEADERS)  # any header set works


def _at_city(name: str, declared: Route, used: Route, outcome=None) -> "Story":
    from contracts.events import Outcome
    interview = used in (Route.TRANSFER, Route.LANDMARK)
    story = Story(summary(route=declared, name=name, unit_id=f"u-{name}"), route_used=used,
                  outcome=outcome or (Outcome.ELIGIBLE_INTERVIEW_REQUIRED if interview else Outcome.ELIGIBLE))
    return story.at_city()


def test_the_roster_lists_and_orders_each_applicant_by_the_route_used_not_the_route_declared():
    skill = _at_city("技能", Route.NORMAL, Route.SKILL_TALENT)  # files as 正常申报, listed as 技能人才
    transfer_as_normal = _at_city("转正常", Route.TRANSFER, Route.NORMAL)
    normal_as_landmark = _at_city("正常转标志", Route.NORMAL, Route.LANDMARK)
    cases = [skill.case, normal_as_landmark.case, transfer_as_normal.case]
    rows = roster_rows(cases, PLAN, people=people_of(cases))
    assert [(r[1], r[5], r[7]) for r in rows] == [("转正常", "正常申报", "否"), ("正常转标志", "标志性业绩", "是"),
                                                 ("技能", "技能人才", "否")]


def test_the_interview_follows_the_route_used():
    assert not Story(summary(route=Route.TRANSFER), route_used=Route.NORMAL).case.interview_required
    assert Story(summary(route=Route.NORMAL), route_used=Route.LANDMARK).case.interview_required
    assert Story(summary(route=Route.TRANSFER)).case.interview_required  # history before route_used: declared


def test_an_erased_persons_roster_row_says_so_instead_of_failing():
    cases = [_recommended("yuecheng", Route.NORMAL, "越城甲", 1), _recommended("yuecheng", Route.NORMAL, "越城乙", 2)]
    people = {**people_of(cases), cases[0].summary.person_ref: None}  # her tombstone was read
    rows = roster_rows(cases, PLAN, people=people)
    assert [r[1:3] for r in rows] == [[ERASED, ERASED], ["越城乙", "330602************"]]
    story = Story().unit_passed()
    story.do(c.StartPublicNotice(story.who.unit, story.id, date(2020, 7, 6)))
    assert notice_rows([story.case], "unit-yc-1", {}, {story.case.summary.person_ref: None})[0][1] == ERASED


def test_each_roster_row_takes_its_receiving_unit_and_paper_destination_from_its_own_cases_plan():
    from contracts.plan import Plan

    data = PLAN.model_dump(mode="json")
    moved = {**data, "version": "2020.2-test", "receiving_units": [
        {**u, "phone": "00000000"} if u["area"] == "keqiao" else u for u in data["receiving_units"]]}
    revised = Plan.model_validate(moved)
    first, second = _recommended("keqiao", Route.NORMAL, "柯桥甲", 1), _recommended("keqiao", Route.NORMAL, "柯桥乙", 2)
    rows = roster_rows([first, second], lambda case: revised if case is second else PLAN, people=people_of([first, second]))
    assert [(row[1], "00000000" in row[-1]) for row in rows] == [("柯桥甲", False), ("柯桥乙", True)]
