"""Social insurance [四(二)]: >= 1 year continuously in the city and active on the day of filing;
proof uploaded by anyone insured out of province in the lookback window."""
from __future__ import annotations

from contracts.application import Application, AttachmentKind
from contracts.plan import Plan

from ..dates import as_of, full_years
from .base import Rule, iso


class SocialInsurance(Rule):
    code = "SOCIAL_INSURANCE"
    description = "在本市连续缴纳社保满1年且正常参保 / insured in the city for a full year, active"

    def check(self, application: Application, plan: Plan):
        si, need, day = application.social_insurance, plan.social_insurance_min_years, as_of(application, plan)
        threshold = f">= {need} full years in {plan.city_zh} to the filing day, active"
        if si is None:
            return self.result(False, {"as_of": iso(day)}, threshold, f"无{plan.city_zh}社会保险缴纳记录",
                               f"no social insurance record in {plan.city_zh}")
        years = full_years(si.in_city_since, day)
        inputs = {"in_city_since": iso(si.in_city_since), "as_of": iso(day), "full_years": years,
                  "active": si.active}
        zh, en = [], []
        if years < need:
            zh.append(f"自{si.in_city_since}起在{plan.city_zh}连续缴纳社保{years}年，不满{need}年")
            en.append(f"insured in {plan.city_zh} since {si.in_city_since}: {years} full years, below {need}")
        if not si.active:
            zh.append("当前未处于正常参保缴费状态")
            en.append("social insurance is not currently active")
        if zh:
            return self.result(False, inputs, threshold, zh, en)
        return self.result(True, inputs, threshold, f"在{plan.city_zh}连续缴纳社保{years}年，正常参保",
                           f"insured in {plan.city_zh} for {years} full years, active")


class OutOfProvinceSocialInsuranceProof(Rule):
    code = "SI_OUT_OF_PROVINCE_PROOF"
    description = "近3年有省外社保的须上传省外缴纳证明 / proof of out-of-province social insurance"

    def check(self, application: Application, plan: Plan):
        si = application.social_insurance
        flagged = bool(si and si.out_of_province_in_last_3_years)
        uploaded = any(a.kind == AttachmentKind.OUT_OF_PROVINCE_SI_PROOF for a in application.attachments)
        inputs = {"out_of_province_in_lookback": flagged, "proof_uploaded": uploaded}
        years = plan.out_of_province_si_lookback_years
        threshold = f"proof uploaded when insured out of province in the last {years} years"
        if not flagged:
            return self.result(True, inputs, threshold, f"近{years}年无省外社保记录，无需证明",
                               f"no out-of-province social insurance in the last {years} years")
        if uploaded:
            return self.result(True, inputs, threshold, "已上传省外社保缴纳证明",
                               "out-of-province social insurance proof uploaded")
        return self.result(False, inputs, threshold, f"近{years}年有省外社保缴纳记录，未上传省外社保缴纳证明",
                           f"insured out of province in the last {years} years: proof not uploaded")
