"""Rules about the filing itself: pledge, specialty, archive approval, affiliation, certificate."""
from __future__ import annotations

from contracts.application import Application
from contracts.plan import Plan

from .base import Rule


class PledgeSigned(Rule):
    code = "PLEDGE_SIGNED"
    description = "真实性承诺已签署 / the truthfulness pledge is signed (condition 1)"

    def check(self, application: Application, plan: Plan):
        signed = application.pledge_signed_at is not None
        inputs = {"pledge_signed": signed}
        if signed:
            return self.result(True, inputs, "signed", "已签署个人承诺", "pledge signed")
        return self.result(False, inputs, "signed", "未签署《专业技术资格申报材料真实性保证书》",
                           "the truthfulness pledge is not signed")


class SpecialtyReviewable(Rule):
    code = "SPECIALTY_REVIEWABLE"
    description = "从事专业在评审计划可评审专业之列 / specialty is in the plan's reviewable list"

    def check(self, application: Application, plan: Plan):
        specialty = application.specialty.strip()
        ok = specialty in plan.reviewable_specialties
        inputs = {"specialty": specialty}
        threshold = "one of plan.reviewable_specialties"
        if ok:
            return self.result(True, inputs, threshold, f"从事专业“{specialty}”可评审",
                               f"specialty {specialty} is reviewable")
        return self.result(False, inputs, threshold,
                           f"从事专业“{specialty}”不在{plan.short_name_zh}可评审专业之列",
                           f"specialty {specialty} is not reviewable under plan {plan.plan_id}")


class AchievementsApproved(Rule):
    code = "ACHIEVEMENTS_APPROVED"
    description = "所选业绩均经用人单位审核通过 / every cited achievement is approved by the unit"

    def check(self, application: Application, plan: Plan):
        pending = sorted(a.entry_id for a in application.achievements if not a.approved_by_unit)
        inputs = {"cited": len(application.achievements), "not_approved": pending}
        if not pending:
            return self.result(True, inputs, "all approved by unit", "所选业绩均已经单位审核通过",
                               "all cited achievements are approved by the unit")
        return self.result(False, inputs, "all approved by unit",
                           f"业绩档案{'、'.join(pending)}未经用人单位审核通过，不能用于申报",
                           f"achievements not approved by the unit: {', '.join(pending)}")


class Affiliation(Rule):
    code = "AFFILIATION"
    description = "通过人事关系（分离时为社保缴纳）所在单位申报 / filed through the right unit"

    def check(self, application: Application, plan: Plan):
        aff, si, filing = application.affiliation, application.social_insurance, application.unit
        si_unit = aff.social_insurance_unit_credit_code if aff else (
            si.paying_unit_credit_code if si else None)
        codes = {aff.personnel_file_unit_credit_code, aff.labour_contract_unit_credit_code,
                 si_unit} if aff else {si_unit}
        inputs = {"filing_unit_credit_code": filing.credit_code,
                  "social_insurance_unit_credit_code": si_unit,
                  "split": len(codes) > 1, "entrusted_review": bool(aff and aff.entrusted_review)}
        threshold = "filing unit = personnel-relation unit, or the social-insurance unit when split"
        if aff and aff.entrusted_review:
            return self.result(True, inputs, threshold, "中央、省在绍单位人员，已办理委托评审",
                               "central/provincial unit staff with entrusted review")
        if si_unit == filing.credit_code:
            return self.result(True, inputs, threshold, "申报单位与人事隶属（社保）单位一致",
                               "filed through the unit holding the personnel relation")
        if len(codes) > 1:
            return self.result(False, inputs, threshold,
                               "社保、档案、劳动关系不在同一单位，应由社会保险缴纳单位申报",
                               "personnel relation is split: file through the unit paying social insurance")
        return self.result(False, inputs, threshold, "应通过人事隶属关系所在单位申报",
                           "file through the unit that holds the personnel relation")


class OutOfProvinceCertificate(Rule):
    code = "OUT_OF_PROVINCE_CERTIFICATE"
    description = "省外高工证书须经市人力社保局审核并经发证高评委确认 / out-of-province certificate confirmed"

    def check(self, application: Application, plan: Plan):
        q = application.qualifications
        province = q.senior_certificate_province.strip().removesuffix("省")
        home = plan.home_province_zh.strip().removesuffix("省")
        has_senior = q.senior_qualified_on is not None or q.senior_appointed_on is not None
        inputs = {"certificate_province": q.senior_certificate_province,
                  "confirmed": q.out_of_province_certificate_confirmed}
        threshold = f"issued in {plan.home_province_zh}, or confirmed"
        if not has_senior or province == home:
            return self.result(True, inputs, threshold, "高级工程师证书为本省核发或不适用",
                               "certificate issued in the home province, or not applicable")
        if q.out_of_province_certificate_confirmed:
            return self.result(True, inputs, threshold, f"{province}核发的高工证书已经审核确认",
                               f"certificate from {province} has been confirmed")
        return self.result(False, inputs, threshold,
                           f"持{province}核发的高级工程师证书，须经市人力社保局审核并送发证高评委确认后才能申报",
                           f"senior certificate issued by {province} must be checked by the city HR "
                           "bureau and confirmed by the issuing committee before filing")
