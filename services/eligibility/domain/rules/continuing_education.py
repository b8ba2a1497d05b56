"""Continuing education [二(三)]: records for the record years; hours and certificates for the
certificate years. Two records of one year (e.g. made up on a second platform) are added up."""
from __future__ import annotations

from contracts.application import Application, AttachmentKind
from contracts.plan import Plan

from .base import Rule


def hours_by_year(application: Application) -> dict[int, tuple[int, int, int]]:
    """(professional, general public, industry public) per year, summed over records."""
    totals: dict[int, tuple[int, int, int]] = {}
    for r in application.continuing_education:
        p, g, i = totals.get(r.year, (0, 0, 0))
        totals[r.year] = (p + r.professional_hours, g + r.general_public_hours,
                          i + r.industry_public_hours)
    return totals


class ContinuingEducationRecords(Rule):
    code = "CE_RECORDS"
    description = "提供近4年继续教育学习情况 / continuing-education records for each record year"

    def check(self, application: Application, plan: Plan):
        years = sorted(plan.continuing_education.record_years)
        missing = [y for y in years if y not in hours_by_year(application)]
        inputs = {"record_years": years, "missing": missing}
        threshold = f"a record for each of {years[0]}-{years[-1]}"
        if not missing:
            return self.result(True, inputs, threshold, f"已提供{years[0]}-{years[-1]}年继续教育记录",
                               f"continuing-education records {years[0]}-{years[-1]} present")
        return self.result(False, inputs, threshold,
                           f"缺少{'、'.join(map(str, missing))}年度继续教育记录",
                           f"continuing-education record missing for {', '.join(map(str, missing))}")


class ContinuingEducationHours(Rule):
    code = "CE_HOURS"
    description = "2018、2019年度各不少于90学时（专业60/一般公需18/行业公需12） / yearly hours"

    def check(self, application: Application, plan: Plan):
        ce, totals = plan.continuing_education, hours_by_year(application)
        years = sorted(ce.certificate_years)
        zh, en, inputs = [], [], {}
        for year in years:
            p, g, i = totals.get(year, (0, 0, 0))
            inputs |= {f"{year}_total": p + g + i, f"{year}_professional": p,
                       f"{year}_general_public": g, f"{year}_industry_public": i}
            for label_zh, label_en, value, need in (
                    ("总学时", "total hours", p + g + i, ce.min_total_hours),
                    ("专业科目", "professional hours", p, ce.min_professional_hours),
                    ("一般公需科目", "general public hours", g, ce.min_general_public_hours),
                    ("行业公需科目", "industry public hours", i, ce.min_industry_public_hours)):
                if value < need:
                    zh.append(f"{year}年度继续教育{label_zh}{value}学时，少于{need}学时")
                    en.append(f"{year} {label_en}: {value}, below {need}")
        threshold = (f"each of {', '.join(map(str, years))}: >= {ce.min_total_hours} h, of which "
                     f">= {ce.min_professional_hours}/{ce.min_general_public_hours}/"
                     f"{ce.min_industry_public_hours} professional/general/industry")
        if not zh:
            return self.result(True, inputs, threshold, "继续教育学时符合要求",
                               "continuing-education hours meet the minimums")
        return self.result(False, inputs, threshold, zh, en)


class ContinuingEducationCertificates(Rule):
    code = "CE_CERTIFICATES"
    description = "上传2018、2019年度继续教育学时登记证明 / hours certificates uploaded"

    def check(self, application: Application, plan: Plan):
        years = sorted(plan.continuing_education.certificate_years)
        uploaded = {a.year for a in application.attachments if a.kind == AttachmentKind.CE_CERTIFICATE}
        missing = [y for y in years if y not in uploaded]
        inputs = {"certificate_years": years, "missing": missing}
        threshold = f"a certificate for each of {', '.join(map(str, years))}"
        if not missing:
            return self.result(True, inputs, threshold, "已上传继续教育学时登记证明",
                               "continuing-education certificates uploaded")
        return self.result(False, inputs, threshold,
                           f"未上传{'、'.join(map(str, missing))}年度继续教育学时登记证明",
                           f"continuing-education certificate missing for {', '.join(map(str, missing))}")
