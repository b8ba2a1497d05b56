"""Bans [四(一)] and the no-consecutive-re-filing rule [二(五)]."""
from __future__ import annotations

import unicodedata

from contracts.application import Application
from contracts.plan import Plan

from ..dates import as_of, full_years
from .base import Rule, iso


def _normalise(journal: str) -> str:
    # Full-width brackets, spaces and 《》 vary in how applicants type a journal's name.
    text = unicodedata.normalize("NFKC", journal)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "《》")


def fraud_ban_years(found_in_year: int, plan: Plan) -> list[int]:
    """Years barred after fraud found in `found_in_year`: the following year and on."""
    return list(range(found_in_year + 1, found_in_year + 1 + plan.fraud_ban_years))


class FraudBan(Rule):
    code = "FRAUD_BAN"
    description = "论文发表在冒名或非法期刊上按弄虚作假处理 / paper in a blacklisted journal is fraud"

    def check(self, application: Application, plan: Plan):
        blacklist = [_normalise(j) for j in plan.journal_blacklist]
        bad = sorted({p.journal for p in application.papers
                      if any(b in _normalise(p.journal) for b in blacklist)})
        earlier = sorted(r.year for r in application.previous_reviews
                         if r.fraud_found and plan.application_year in fraud_ban_years(r.year, plan))
        barred = fraud_ban_years(plan.application_year, plan)
        inputs = {"papers": len(application.papers), "blacklisted_journals": bad, "fraud_found_in": earlier}
        threshold = "no paper in a journal of plan.journal_blacklist; no fraud finding in the last ban years"
        if earlier:
            year = earlier[-1]
            ban = fraud_ban_years(year, plan)
            return self.result(False, inputs, threshold,
                               f"{year}年评审中被认定弄虚作假，{ban[0]}年起{plan.fraud_ban_years}年内不得申报",
                               f"fraud found in the {year} review: barred {ban[0]}-{ban[-1]}")
        if not bad:
            return self.result(True, inputs, threshold, "未发现冒名或非法期刊论文及弄虚作假记录",
                               "no paper in a blacklisted journal and no earlier fraud finding")
        inputs["barred_years"] = barred
        return self.result(False, inputs, threshold,
                           f"论文发表在《{'》《'.join(bad)}》，按弄虚作假处理，取消评审资格，"
                           f"{barred[0]}年起{plan.fraud_ban_years}年内不得申报",
                           f"paper published in {', '.join(bad)}: treated as fraud, disqualified and "
                           f"barred {barred[0]}-{barred[-1]}")


class LendingBan(Rule):
    code = "LENDING_BAN"
    description = "因挂证被撤销注册的，自撤销之日起3年内不得申报 / 挂证 ban for 3 years from revocation"

    def check(self, application: Application, plan: Plan):
        revoked, day, ban = application.certificate_lending_revoked_on, as_of(application, plan), plan.lending_ban_years
        inputs = {"revoked_on": iso(revoked), "as_of": iso(day)}
        threshold = f">= {ban} full years since revocation"
        if revoked is None:
            return self.result(True, inputs, threshold, "无挂证处理记录", "no 挂证 revocation")
        years = full_years(revoked, day)
        inputs["full_years_since"] = years
        if years >= ban:
            return self.result(True, inputs, threshold, f"挂证撤销注册于{revoked}，已满{ban}年",
                               f"挂证 revocation on {revoked}: {ban} years have passed")
        return self.result(False, inputs, threshold,
                           f"因挂证于{revoked}被撤销注册，{ban}年内不得申请高一级职务任职资格评审",
                           f"registration revoked for 挂证 on {revoked}: barred for {ban} years from that day")


class NoConsecutiveRefiling(Rule):
    code = "NO_CONSECUTIVE_REFILING"
    description = "2019年未通过评审且2020年无新业绩的不得连续申报 / no re-filing without a new achievement"

    def check(self, application: Application, plan: Plan):
        failed_year, new_year = plan.previous_failure_year, plan.new_achievement_year
        failed = any(r.year == failed_year and not r.passed for r in application.previous_reviews)
        new = sorted({a.entry_id for a in application.achievements if a.achieved_on.year == new_year}
                     | {a.title for a in application.landmark_achievements if a.obtained_on.year == new_year})
        inputs = {f"failed_{failed_year}": failed, f"new_achievements_{new_year}": len(new)}
        threshold = f"not failed in {failed_year}, or an achievement dated {new_year}"
        if not failed:
            return self.result(True, inputs, threshold, f"{failed_year}年无未通过评审记录",
                               f"no failed review in {failed_year}")
        if new:
            return self.result(True, inputs, threshold, f"{failed_year}年未通过评审，{new_year}年有新业绩{len(new)}项",
                               f"failed in {failed_year}, {len(new)} new achievement(s) in {new_year}")
        return self.result(False, inputs, threshold,
                           f"{failed_year}年未通过评审且{new_year}年无新工作业绩，不得连续申报",
                           f"failed the {failed_year} review with no new achievement in {new_year}: "
                           "may not file again")
