"""The committee roster (评委会评审对象花名册, SPEC 6) and the unit's public-notice table (公示表).

Roster order, exactly: category of the route used, the route that qualified (正常申报, 转评…,
标志性业绩, 技能人才; a skill talent filing as 正常申报 is listed as 技能人才); within 正常申报 by review
specialty, in the plan's list order (the order the committee's groups sit in), unknown
specialties after, by name; then by submission time; the application id breaks any remaining tie
so the order never depends on input order. The city's merged roster applies the same order to all
receiving units' entries (the paper material of the whole city follows one order).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from contracts.application import Route
from contracts.personal_record import ERASED, PersonalRecord
from contracts.plan import Plan
from services.review.domain.case import Case, Stage

CATEGORY_ZH = {
    Route.NORMAL: "正常申报",
    Route.TRANSFER: "转评建设工程专业高级工程师后申报",
    Route.LANDMARK: "标志性业绩",
    Route.SKILL_TALENT: "技能人才",
}
_CATEGORY_RANK = {route: rank for rank, route in enumerate(CATEGORY_ZH)}
ROSTER_HEADERS = ["序号", "姓名", "身份证号", "工作单位", "受理单位", "申报类别", "评审专业", "是否面试", "申报时间",
                  "评审表份数", "纸质材料报送地址"]
NOTICE_HEADERS = ["序号", "姓名", "工作单位", "从事专业", "申报类别", "申报资格", "现任职务及时间", "代表性业绩",
                  "标志性业绩", "公示期"]
FORM_COPIES, FORM_COPIES_WITH_INTERVIEW = 3, 4  # 《专业技术职务任职资格评审表》一式3份（参加面试人员4份）
_LAST = datetime.max.replace(tzinfo=timezone.utc)
# Names and ID masks are not in the events: review's personal_data (from the personal-data topic),
# by person_ref, looked up when the export is made. None: the person was erased.
People = Mapping[str, PersonalRecord | None]
NOT_YET_RECEIVED = "（个人信息尚未送达）(personal data not yet received)"


def _person(people: People, person_ref: str) -> tuple[str, str]:
    """(name, ID mask) to print: the person's, or a note that they were erased / are not known yet."""
    if person_ref not in people:
        return NOT_YET_RECEIVED, ""
    record = people[person_ref]
    return (record.name, record.id_number_masked) if record else (ERASED, ERASED)
ON_ROSTER = frozenset({Stage.AT_CITY, Stage.FORWARDED})


@dataclass(frozen=True)
class RosterEntry:
    application_id: uuid.UUID
    name: str
    id_number_masked: str
    unit_name: str
    receiving_unit_zh: str
    route: Route
    specialty: str
    interview: bool
    submitted_at: datetime | None


def form_copies(case: Case) -> int:
    return FORM_COPIES_WITH_INTERVIEW if case.interview_required else FORM_COPIES


def deliver_to(case: Case, plan: Plan) -> str:
    """Where the paper material goes: the receiving unit of the applicant's area (附件4)."""
    unit = plan.receiving_unit(case.summary.unit_area)
    return f"{unit.name_zh}{unit.department_zh}（{unit.address_zh}，电话{unit.phone}）"


def current_title(case: Case) -> str:
    s = case.summary
    dates = [f"{s.current_title_qualified_on:%Y-%m-%d}取得资格" if s.current_title_qualified_on else "",
             f"{s.current_title_appointed_on:%Y-%m-%d}聘任" if s.current_title_appointed_on else ""]
    dates = [d for d in dates if d]
    return f"{s.current_title}（{'，'.join(dates)}）" if s.current_title and dates else s.current_title


def entry_of(case: Case, plan: Plan, people: People) -> RosterEntry:
    s = case.summary
    return RosterEntry(case.application_id, *_person(people, s.person_ref), s.unit_name,
                       plan.receiving_unit(s.unit_area).name_zh, case.route, s.specialty,
                       case.interview_required, s.submitted_at)


def roster_order(entries: Iterable[RosterEntry], specialties: Sequence[str] = ()) -> list[RosterEntry]:
    rank = {name: i for i, name in enumerate(specialties)}

    def key(e: RosterEntry):
        normal = e.route == Route.NORMAL
        specialty = (rank.get(e.specialty, len(rank)), e.specialty) if normal else (0, "")
        return (_CATEGORY_RANK[e.route], specialty, _sortable(e.submitted_at), str(e.application_id))

    return sorted(entries, key=key)


def roster_cases(cases: Iterable[Case], area: str | None = None) -> list[Case]:
    """Cases recommended to the city; one receiving unit's (`area`) or, with None, the city's."""
    return [c for c in cases if c.stage in ON_ROSTER and (area is None or c.summary.unit_area == area)]


def roster_rows(cases: Iterable[Case], plan: Plan | Callable[[Case], Plan], area: str | None = None,
                people: People | None = None) -> list[list[object]]:
    """`plan`: each case's own (the plan its application was filed under: receiving unit, paper
    destination, timezone); one Plan for all. Specialties sort in the order of their plans' lists."""
    plan_of = (lambda _case: plan) if isinstance(plan, Plan) else plan
    listed = {c.application_id: c for c in roster_cases(cases, area)}
    plans = {c.application_id: plan_of(c) for c in listed.values()}
    specialties = dict.fromkeys(name for p in sorted({(p.plan_id, p.version): p for p in plans.values()}.items())
                                for name in p[1].reviewable_specialties)
    entries = roster_order((entry_of(c, plans[c.application_id], people or {}) for c in listed.values()),
                           list(specialties))
    return [[i, e.name, e.id_number_masked, e.unit_name, e.receiving_unit_zh, CATEGORY_ZH[e.route],
             e.specialty, "是" if e.interview else "否", _when(e.submitted_at, plans[e.application_id].timezone),
             form_copies(listed[e.application_id]), deliver_to(listed[e.application_id], plans[e.application_id])]
            for i, e in enumerate(entries, start=1)]


def notice_rows(cases: Iterable[Case], unit_org: str, achievements: Mapping[uuid.UUID, Sequence[str]],
                people: People | None = None) -> list[list[object]]:
    """The unit's 公示表: its cases under notice, by submission time: the current title with its
    dates, the achievements the application cites and its landmark achievements. `achievements`
    (approved archive titles) serves only cases opened before the summary carried the cited ones."""
    mine = [c for c in cases if c.scope.unit_org == unit_org and c.notice_starts_on is not None]
    mine.sort(key=lambda c: (_sortable(c.summary.submitted_at), str(c.application_id)))
    return [[i, _person(people or {}, c.summary.person_ref)[0], c.summary.unit_name, c.summary.specialty,
             CATEGORY_ZH[c.route], "正高级工程师", current_title(c),
             "；".join(c.summary.cited_achievements or achievements.get(c.application_id, ())),
             "；".join(c.summary.landmark_achievements), f"{c.notice_starts_on:%Y-%m-%d}至{c.notice_ends_on:%Y-%m-%d}"]
            for i, c in enumerate(mine, start=1)]


def _sortable(moment: datetime | None) -> datetime:
    # a naive time is taken as UTC so that naive and aware times never fail to compare
    if moment is None:
        return _LAST
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _when(moment: datetime | None, tz: str) -> str:
    return _sortable(moment).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M") if moment else ""
