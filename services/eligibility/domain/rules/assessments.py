"""Condition (2): the last annual assessments are each 合格/称职 or better."""
from __future__ import annotations

from contracts.application import Application, AssessmentResult as R
from contracts.plan import Plan

from .base import Rule

PASSING = frozenset({R.EXCELLENT, R.GOOD, R.PASS, R.COMPETENT})


class AnnualAssessments(Rule):
    code = "ANNUAL_ASSESSMENTS"
    description = "近4年年度考核均为合格（称职）以上 / each recent annual assessment passed"

    def check(self, application: Application, plan: Plan):
        by_year: dict[int, set[R]] = {}
        for a in application.assessments:
            by_year.setdefault(a.year, set()).add(a.result)
        years = sorted(plan.assessment_years)
        zh, en = [], []
        for year in years:
            results = by_year.get(year)
            if not results:
                zh.append(f"缺少{year}年度考核结果")
                en.append(f"{year} annual assessment missing")
            # Two entries for one year: the worse one counts, whatever order they came in.
            for bad in sorted(results - PASSING) if results else []:
                zh.append(f"{year}年度考核为{bad.value}，未达到合格（称职）以上")
                en.append(f"{year} annual assessment: {bad.value}, below 合格/称职")
        inputs = {"assessments": sorted(f"{a.year}{a.result.value}" for a in application.assessments
                                        if a.year in years),
                  "years": years}
        threshold = f"{years[0]}-{years[-1]} each 合格/称职 or better"
        if not zh:
            return self.result(True, inputs, threshold,
                               f"{years[0]}-{years[-1]}年度考核均为合格（称职）以上",
                               f"annual assessments {years[0]}-{years[-1]} all passed")
        return self.result(False, inputs, threshold, zh, en)
