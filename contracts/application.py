"""The application as filed (SPEC 4): the facts every rule of SPEC 3 reads.

Personal data: no event on a shared topic carries the applicant's name, phone, ID number (masked
or not) or birth date (ARCHITECTURE.md "Personal data"). The applicant is `person_ref`, a keyed hash
of the ID number that lets other services match the same person; no eligibility rule reads more.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from contracts import limits as L


# Every text and list has a bound (contracts/limits.py says why), so no filing can grow an event
# past what Kafka carries.
Short = Annotated[str, Field(max_length=L.SHORT_TEXT_MAX_CHARS)]
Title = Annotated[str, Field(max_length=L.TITLE_MAX_CHARS)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Route(StrEnum):
    NORMAL = "normal"  # 正常申报
    TRANSFER = "transfer"  # 转评
    LANDMARK = "landmark"  # 标志性业绩
    SKILL_TALENT = "skill_talent"  # 技能人才 (files as 正常申报 with evidence)


class AssessmentResult(StrEnum):
    EXCELLENT = "优秀"
    GOOD = "良好"
    PASS = "合格"
    COMPETENT = "称职"
    BASIC_PASS = "基本合格"
    BASIC_COMPETENT = "基本称职"
    FAIL = "不合格"
    INCOMPETENT = "不称职"


class UnitKind(StrEnum):
    GOVERNMENT = "government"
    PUBLIC_INSTITUTION = "public_institution"  # 事业单位
    STATE_ENTERPRISE = "state_enterprise"
    PRIVATE_ENTERPRISE = "private_enterprise"  # 民营/股份制 without a competent department


class SkillAward(StrEnum):
    WORLDSKILLS_GOLD = "worldskills_gold"  # 世界技能大赛金牌
    CHINA_SKILLS_AWARD = "china_skills_award"  # 中华技能大奖
    STATE_COUNCIL_ALLOWANCE = "state_council_allowance"  # 享受国务院政府特殊津贴


class AttachmentKind(StrEnum):
    CE_CERTIFICATE = "ce_certificate"  # 继续教育学时登记证明 (one per year)
    OUT_OF_PROVINCE_SI_PROOF = "out_of_province_si_proof"  # 省外社保缴纳证明
    POST_TABLE = "post_table"  # 事业单位人员职称申报岗位信息表
    UNIT_EXPLANATION = "unit_explanation"  # 非在编人员单位说明
    APPOINTMENT_LETTER = "appointment_letter"  # 聘书
    LANDMARK_EVIDENCE = "landmark_evidence"
    TRANSFER_EVIDENCE = "transfer_evidence"
    SKILL_EVIDENCE = "skill_evidence"
    CONTRIBUTION_EVIDENCE = "contribution_evidence"  # 集体项目主要贡献者依据


class Applicant(_Frozen):
    """Pseudonymous: the person's name, phone and ID number travel only on the personal-data topic
    (contracts/personal_record.py); a v1 applicant's personal fields are dropped when read."""

    person_ref: Short  # keyed hash of the full ID number


class Unit(_Frozen):
    unit_id: Short
    name: Title
    credit_code: Short  # 统一社会信用代码
    area: Short  # receiving-unit area code from the plan, e.g. "city", "yuecheng"
    kind: UnitKind
    personnel_files_at_talent_center: bool = False
    # No phone: the unit's operator is a person (their mobile is personal data, on review's operators'
    # topic by operator_ref); filing events are kept for ever. v2 filings' `unit.phone` is dropped on read.


class AnnualAssessment(_Frozen):
    year: int
    result: AssessmentResult


class ContinuingEducationYear(_Frozen):
    year: int
    professional_hours: int = Field(ge=0)  # 专业科目
    general_public_hours: int = Field(ge=0)  # 一般公需科目
    industry_public_hours: int = Field(ge=0)  # 行业公需科目

    @property
    def total_hours(self) -> int:
        return self.professional_hours + self.general_public_hours + self.industry_public_hours


class Qualifications(_Frozen):
    senior_qualified_on: date | None = None  # 取得高级工程师资格
    senior_appointed_on: date | None = None  # 实际聘任高级工程师职务
    engineer_appointed_on: date | None = None  # 实际聘任工程师职务
    senior_certificate_province: Short = "浙江"
    out_of_province_certificate_confirmed: bool = False  # 市人力社保局审核并经发证高评委确认


class TransferInfo(_Frozen):
    other_senior_title: Title  # 专业技术职务任职资格2, e.g. 副教授
    other_senior_title_since: date
    transferred_on: date  # 转评高级工程师 date


class LandmarkAchievement(_Frozen):
    title: Title
    obtained_on: date
    evidence_attachment_id: Short | None = None


class SkillTalentInfo(_Frozen):
    award: SkillAward
    awarded_on: date | None = None


class SocialInsurance(_Frozen):
    paying_unit_credit_code: Short
    in_city_since: date  # continuous payment in the city since
    active: bool = True
    out_of_province_in_last_3_years: bool = False


class Affiliation(_Frozen):
    """Where the personnel relation sits (SPEC 3, 二(一))."""

    personnel_file_unit_credit_code: Short
    labour_contract_unit_credit_code: Short
    social_insurance_unit_credit_code: Short
    entrusted_review: bool = False  # central/provincial unit staff filing here (委托评审)


class PublicInstitutionPost(_Frozen):
    in_establishment: bool = True  # 在编
    within_post_ratio: bool = True


class AppointmentLetter(_Frozen):
    title: Title
    start: date
    end: date | None = None  # None: still in post


class CitedAchievement(_Frozen):
    """An entry of the achievement archive cited in the application."""

    entry_id: Short
    title: Title
    achieved_on: date
    approved_by_unit: bool
    collective: bool = False
    contribution_evidence_attachment_id: Short | None = None


class Paper(_Frozen):
    title: Title
    journal: Title
    published_on: date


class PreviousReview(_Frozen):
    year: int
    passed: bool
    fraud_found: bool = False  # 弄虚作假 found in that year's review: banned 3 years from the next year


class Attachment(_Frozen):
    attachment_id: Short
    kind: AttachmentKind
    year: int | None = None  # for per-year certificates
    verified_copy: bool = True  # 核对无误 + signature + date + seal


class Photo(_Frozen):
    format: Short  # JPEG
    size_bytes: int
    width: int
    height: int
    sha256: Short


class Application(_Frozen):
    application_id: uuid.UUID
    plan_id: Short
    revision: int = 1
    applicant: Applicant
    unit: Unit
    route: Route
    specialty: Short  # 从事专业, must be one of the plan's reviewable specialties
    category: Short = "建设工程技术人员"  # 申报类别
    professional_years: int = Field(ge=0)  # 专业工作年限 (full years)
    self_statement: str = Field(max_length=L.STATEMENT_MAX_CHARS)
    pledge_signed_at: datetime | None = None
    photo: Photo | None = None
    assessments: list[AnnualAssessment] = Field(default=[], max_length=L.YEARS_MAX_ITEMS)
    qualifications: Qualifications = Qualifications()
    transfer: TransferInfo | None = None
    landmark_achievements: list[LandmarkAchievement] = Field(default=[], max_length=L.CITED_MAX_ITEMS)
    skill_talent: SkillTalentInfo | None = None
    continuing_education: list[ContinuingEducationYear] = Field(default=[], max_length=L.YEARS_MAX_ITEMS)
    social_insurance: SocialInsurance | None = None
    affiliation: Affiliation | None = None
    public_institution: PublicInstitutionPost | None = None
    appointment_letters: list[AppointmentLetter] = Field(default=[], max_length=L.CITED_MAX_ITEMS)
    achievements: list[CitedAchievement] = Field(default=[], max_length=L.CITED_MAX_ITEMS)
    papers: list[Paper] = Field(default=[], max_length=L.CITED_MAX_ITEMS)
    previous_reviews: list[PreviousReview] = Field(default=[], max_length=L.YEARS_MAX_ITEMS)
    certificate_lending_revoked_on: date | None = None  # 挂证 registration revoked
    attachments: list[Attachment] = Field(default=[], max_length=L.ATTACHMENTS_MAX_ITEMS)
    submitted_at: datetime | None = None
