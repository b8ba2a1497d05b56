"""Test data builders: a plan, summaries, actors for a case's chain, and a happy-path driver."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from contracts.application import Route, UnitKind
from contracts.envelope import Actor, Role
from contracts.events import ApplicationSummary, Outcome, ReturnedSection
from contracts.personal_record import PersonalRecord
from contracts.plan import load_plan
from services.review.domain import commands as c
from services.review.domain.case import Case
from services.review.domain.transitions import evolve
from services.review.domain.decide import decide
from contracts.review_chain import review_chain

PLAN = load_plan()
SH = ZoneInfo("Asia/Shanghai")
ROLE_OF_LEVEL = [Role.UNIT, Role.CONSTRUCTION_AUTHORITY, Role.HR_BUREAU, Role.CITY_HR_BUREAU]
SYSTEM = Actor(role=Role.SYSTEM, organisation="zhicheng", user="system")
SECTIONS = (ReturnedSection(section="papers", reason="论文页码缺失"),)


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=SH)


def summary(area: str = "yuecheng", route: Route = Route.NORMAL, unit_id: str = "unit-yc-1",
            specialty: str = "建筑结构", submitted_at: datetime | None = None, name: str = "张三",
            kind: UnitKind = UnitKind.STATE_ENTERPRISE) -> ApplicationSummary:
    return ApplicationSummary(
        person_ref=f"ref:{name}", unit_id=unit_id, unit_name=f"{unit_id}公司", unit_area=area, unit_kind=kind, route=route,
        specialty=specialty, submitted_at=submitted_at or at(2020, 7, 1, 9))


@dataclass(frozen=True)
class Actors:
    unit: Actor
    ca: Actor
    hr: Actor
    city: Actor


def actors_for(s: ApplicationSummary) -> Actors:
    chain = review_chain(PLAN, s)
    return Actors(*(Actor(role=role, organisation=step.org_id, user=f"{step.org_id}-reviewer")
                    for role, step in zip(ROLE_OF_LEVEL, chain)))


class Story:
    """A case driven command by command through decide + evolve, as the application layer would."""

    def __init__(self, s: ApplicationSummary | None = None, outcome: Outcome = Outcome.ELIGIBLE,
                 now: datetime | None = None, plan=PLAN, route_used: Route | None = None) -> None:
        self.plan = plan
        self.summary = s or summary()
        self.id = uuid.uuid4()
        self.who = actors_for(self.summary)
        self.now = now or at(2020, 7, 1)
        self.case: Case | None = None
        self.events: list = []
        self.do(c.OpenCase(SYSTEM, self.id, 1, outcome, self.summary, route_used))

    def decide(self, command: c.Command, now: datetime | None = None) -> list:
        return decide(self.case, command, now=now or self.now, plan=self.plan)

    def do(self, command: c.Command, now: datetime | None = None) -> list:
        events = self.decide(command, now)
        for event in events:
            self.case = evolve(self.case, event)
        self.events.extend(events)
        return events

    # --- the happy path, one level at a time -------------------------------------------------
    def unit_passed(self) -> "Story":
        self.do(c.UnitPass(self.who.unit, self.id, "同意推荐"))
        return self

    def notice_completed(self) -> "Story":
        self.unit_passed()
        self.do(c.StartPublicNotice(self.who.unit, self.id, date(2020, 7, 6)))
        self.now = at(2020, 7, 13, 9)  # the 5th working day (7-10, a Friday) has ended
        self.do(c.CompletePublicNotice(self.who.unit, self.id, "公示期满无异议"))
        return self

    def ca_passed(self) -> "Story":
        self.notice_completed()
        self.do(c.SetFeeOption(self.who.ca, self.id, charge=False))
        self.do(c.DepartmentPass(self.who.ca, self.id, "资历、考核、学时符合"))
        return self

    def hr_passed(self) -> "Story":
        self.ca_passed()
        self.do(c.SetFeeOption(self.who.hr, self.id, charge=False))
        self.do(c.DepartmentPass(self.who.hr, self.id, "同意"))
        return self

    def interviewed(self) -> "Story":
        self.hr_passed()
        if self.case.interview_required:
            self.do(c.ScheduleInterview(self.who.hr, self.id, at(2020, 8, 1, 9), "绍兴市人社大楼"))
            self.now = at(2020, 8, 1, 12)
            self.do(c.RecordInterviewResult(self.who.hr, self.id, True, "答辩良好"))
        return self

    def at_city(self) -> "Story":
        self.interviewed()
        self.do(c.RecommendToCity(self.who.hr, self.id, "审核推荐"))
        return self

    def forwarded(self) -> "Story":
        self.at_city()
        self.now = at(2020, 9, 25)
        self.do(c.ForwardToCommittee(self.who.city, self.id, "sx-2020-1"))
        return self


def people_of(cases) -> dict:
    """review's personal_data for these cases, as the personal-data topic would have filled it."""
    return {c.summary.person_ref: PersonalRecord(person_ref=c.summary.person_ref, name=c.summary.person_ref[4:],
                                                 phone="13800000000", id_number_masked="330602************")
            for c in cases}
