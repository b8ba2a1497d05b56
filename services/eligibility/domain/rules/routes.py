"""Conditions (3)-(6): the four routes to the title, each a rule of its own.

Years are full years (实足年限) counted to the plan's cut-off date.
"""
from __future__ import annotations

from datetime import timedelta

from contracts.application import Application
from contracts.plan import Plan

from ..dates import full_years
from .base import Rule, iso


class NormalRoute(Rule):
    code = "ROUTE_NORMAL"
    description = "正常申报：取得高工资格后实际聘任高工满5年 / appointed senior engineer for 5 full years"

    def check(self, application: Application, plan: Plan):
        q, need, cutoff = application.qualifications, plan.normal_route_min_years, plan.cutoff_date
        threshold = f">= {need} full years appointed 高级工程师 to {cutoff}"
        inputs = {"senior_qualified_on": iso(q.senior_qualified_on),
                  "senior_appointed_on": iso(q.senior_appointed_on), "cutoff_date": iso(cutoff)}
        if q.senior_appointed_on is None:
            return self.result(False, inputs, threshold, "未实际聘任高级工程师职务",
                               "not appointed 高级工程师")
        # Appointment counts only from the qualification onwards.
        start = max(d for d in (q.senior_qualified_on, q.senior_appointed_on) if d is not None)
        years = full_years(start, cutoff)
        inputs["full_years"] = years
        if years >= need:
            return self.result(True, inputs, threshold,
                               f"截至{cutoff}实际聘任高级工程师{years}年，满{need}年",
                               f"appointed 高级工程师 for {years} full years to {cutoff}, at least {need}")
        return self.result(False, inputs, threshold,
                           f"截至{cutoff}实际聘任高级工程师{years}年，不满{need}年",
                           f"appointed 高级工程师 for {years} full years to {cutoff}, below {need}")


class TransferRoute(Rule):
    code = "ROUTE_TRANSFER"
    description = "转评：聘任高工满1年且与原高级资格任职年限累计满5年 / transfer: 1 year senior, 5 combined"

    def check(self, application: Application, plan: Plan):
        t, q, cutoff = application.transfer, application.qualifications, plan.cutoff_date
        min_senior, min_combined = plan.transfer_route_min_senior_years, plan.transfer_route_min_combined_years
        threshold = f">= {min_senior} full years as 高级工程师 and >= {min_combined} combined to {cutoff}"
        inputs = {"other_senior_title": t.other_senior_title if t else None,
                  "other_senior_title_since": iso(t.other_senior_title_since) if t else None,
                  "transferred_on": iso(t.transferred_on) if t else None,
                  "senior_appointed_on": iso(q.senior_appointed_on), "cutoff_date": iso(cutoff)}
        if t is None or q.senior_appointed_on is None:
            return self.result(False, inputs, threshold, "未转评或转评后未实际聘任高级工程师职务",
                               "no transfer from another senior title, or not appointed 高级工程师 after it")
        senior_start = max(t.transferred_on, q.senior_appointed_on)
        senior = full_years(senior_start, cutoff)
        # A gap between holding the other title and the 高工 appointment does not count.
        gap = max(timedelta(0), senior_start - t.transferred_on)
        combined = full_years(t.other_senior_title_since + gap, cutoff)
        inputs |= {"senior_full_years": senior, "combined_full_years": combined}
        zh, en = [], []
        if senior < min_senior:
            zh.append(f"转评后实际聘任高级工程师{senior}年，不满{min_senior}年")
            en.append(f"appointed 高级工程师 for {senior} full years after transfer, below {min_senior}")
        if combined < min_combined:
            zh.append(f"{t.other_senior_title}与高级工程师任职年限累计{combined}年，不满{min_combined}年")
            en.append(f"{t.other_senior_title} and 高级工程师 years combined: {combined}, below {min_combined}")
        if zh:
            return self.result(False, inputs, threshold, zh, en)
        return self.result(True, inputs, threshold,
                           f"转评后聘任高级工程师{senior}年，累计任职{combined}年",
                           f"{senior} full years as 高级工程师 after transfer, {combined} combined")


class LandmarkRoute(Rule):
    code = "ROUTE_LANDMARK"
    description = "标志性业绩：聘高工后1项以上或聘工程师后2项以上 / landmark achievements"

    def check(self, application: Application, plan: Plan):
        q, cutoff = application.qualifications, plan.cutoff_date
        need_s, need_e = plan.landmark_min_after_senior, plan.landmark_min_after_engineer
        dates = [a.obtained_on for a in application.landmark_achievements if a.obtained_on <= cutoff]

        def since(day):
            return sum(d >= day for d in dates) if day is not None else 0

        after_s, after_e = since(q.senior_appointed_on), since(q.engineer_appointed_on)
        threshold = f">= {need_s} after 高级工程师 appointment, or >= {need_e} after 工程师 appointment"
        inputs = {"after_senior_appointment": after_s, "after_engineer_appointment": after_e,
                  "senior_appointed_on": iso(q.senior_appointed_on),
                  "engineer_appointed_on": iso(q.engineer_appointed_on)}
        zh = f"聘任高级工程师后取得标志性业绩{after_s}项，聘任工程师后{after_e}项"
        en = f"landmark achievements: {after_s} after 高级工程师 appointment, {after_e} after 工程师"
        if (q.senior_appointed_on and after_s >= need_s) or (q.engineer_appointed_on and after_e >= need_e):
            return self.result(True, inputs, threshold, zh, en)
        return self.result(False, inputs, threshold,
                           f"{zh}，未达到高工后{need_s}项或工程师后{need_e}项",
                           f"{en}; need {need_s} or {need_e}")


class SkillTalentRoute(Rule):
    code = "ROUTE_SKILL_TALENT"
    description = "技能人才：世赛金牌、中华技能大奖或享受国务院特殊津贴 / high-skill talent award"

    def check(self, application: Application, plan: Plan):
        s, cutoff = application.skill_talent, plan.cutoff_date
        inputs = {"award": s.award.value if s else None, "awarded_on": iso(s.awarded_on) if s else None}
        threshold = "a qualifying award obtained by the cut-off"
        if s is None:
            return self.result(False, inputs, threshold, "无世界技能大赛金牌、中华技能大奖或国务院特殊津贴",
                               "no qualifying high-skill award")
        if s.awarded_on is not None and s.awarded_on > cutoff:
            return self.result(False, inputs, threshold, f"获奖日期{s.awarded_on}晚于截止日期{cutoff}",
                               f"award dated {s.awarded_on}, after the cut-off {cutoff}")
        return self.result(True, inputs, threshold, "高技能人才，可直接申报正高级工程师",
                           "high-skill talent: may apply directly")
