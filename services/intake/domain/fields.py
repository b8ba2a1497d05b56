"""Fields the notice fixes, checked at intake's door (附件1 二.3-4, 附件3 二.2-3, 四(一)).

- 申报类别 is always 建设工程技术人员 (附件3 二.2: 统一选择“建设工程技术人员”).
- 专业工作年限 is a whole number of full years (实足年限, 附件3 二.3) and may not be fewer than the
  full years since the earliest qualification or appointment the application itself gives: a
  contradiction is refused with both dates named.
- At least one achievement is cited; no more than the plan's `max_cited_achievements` (代表性业绩，
  不宜过多过杂: the notice gives no number, so the plan's is operator data, marked as such).
"""
from __future__ import annotations

from datetime import date

from contracts.application import Application
from contracts.plan import Plan

from .problems import Problem

CATEGORY = "建设工程技术人员"


def full_years(start: date, end: date) -> int:
    years = end.year - start.year
    return years - 1 if (end.month, end.day) < (start.month, start.day) else years


def _dates(application: Application) -> list[tuple[date, str, str]]:
    q, t = application.qualifications, application.transfer
    named = [(q.engineer_appointed_on, "聘任工程师职务", "engineer appointment"),
             (q.senior_qualified_on, "取得高级工程师资格", "senior engineer qualification"),
             (q.senior_appointed_on, "聘任高级工程师职务", "senior engineer appointment"),
             (t.other_senior_title_since if t else None, f"取得{t.other_senior_title if t else ''}资格",
              "the other senior title")]
    named += [(a.start, f"聘任{a.title}", f"appointment as {a.title}") for a in application.appointment_letters]
    return [d for d in named if d[0] is not None]


def _implied_start(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def field_problems(application: Application, plan: Plan, today: date) -> list[Problem]:
    problems = []
    if application.category != CATEGORY:
        problems.append(Problem("category", "CATEGORY_INVALID", f"申报类别须为“{CATEGORY}”",
                                f"the application type (申报类别) must be {CATEGORY}"))
    dated = [d for d in _dates(application) if d[0] <= today]
    if dated:
        earliest, zh, en = min(dated, key=lambda d: d[0])
        at_least, given = full_years(earliest, today), application.professional_years
        if given < at_least:
            implied = _implied_start(today, given)
            problems.append(Problem(
                "professional_years", "PROFESSIONAL_YEARS_CONTRADICTED",
                f"专业工作年限填写{given}年（即自{implied}起），但{zh}日期为{earliest}，至今实足已满{at_least}年",
                f"professional years {given} (i.e. since {implied}) contradict the {en} on {earliest}: "
                f"{at_least} full years to {today}"))
    cited, most = len(application.achievements), plan.max_cited_achievements
    if cited == 0:
        problems.append(Problem("achievements", "ACHIEVEMENTS_REQUIRED", "请至少选择一项代表性业绩",
                                "cite at least one achievement from the approved archive"))
    elif cited > most:
        problems.append(Problem("achievements", "ACHIEVEMENTS_TOO_MANY",
                                f"代表性业绩不宜过多过杂：最多选择{most}项，当前{cited}项",
                                f"cite at most {most} representative achievements, got {cited}"))
    return problems
