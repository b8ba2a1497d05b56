"""The eligibility rules and their registry: stable UPPER_SNAKE codes, one line each.

`ROUTE_RULES` are conditions (3)-(6); only one of them must pass (see `routes`). `COMMON_RULES`
must all pass. Codes are part of the event contract: never rename one.
"""
from __future__ import annotations

from contracts.application import Route

from .appointment import AppointmentInPost, AppointmentLettersCoverage
from .assessments import AnnualAssessments
from .bans import FraudBan, LendingBan, NoConsecutiveRefiling, fraud_ban_years
from .base import Rule
from .continuing_education import (ContinuingEducationCertificates, ContinuingEducationHours,
                                   ContinuingEducationRecords)
from .filing import (AchievementsApproved, Affiliation, OutOfProvinceCertificate, PledgeSigned,
                     SpecialtyReviewable)
from .public_institution import PublicInstitutionPostDocument, PublicInstitutionPostRatio
from .routes import LandmarkRoute, NormalRoute, SkillTalentRoute, TransferRoute
from .social_insurance import OutOfProvinceSocialInsuranceProof, SocialInsurance

ROUTE_RULES: dict[Route, Rule] = {
    Route.NORMAL: NormalRoute(),
    Route.TRANSFER: TransferRoute(),
    Route.LANDMARK: LandmarkRoute(),
    Route.SKILL_TALENT: SkillTalentRoute(),
}

COMMON_RULES: tuple[Rule, ...] = (
    PledgeSigned(), SpecialtyReviewable(), AnnualAssessments(),
    ContinuingEducationRecords(), ContinuingEducationHours(), ContinuingEducationCertificates(),
    SocialInsurance(), OutOfProvinceSocialInsuranceProof(),
    PublicInstitutionPostRatio(), PublicInstitutionPostDocument(),
    AppointmentLettersCoverage(), AppointmentInPost(),
    NoConsecutiveRefiling(), FraudBan(), LendingBan(),
    OutOfProvinceCertificate(), Affiliation(), AchievementsApproved(),
)

RULES: dict[str, str] = {r.code: r.description for r in (*ROUTE_RULES.values(), *COMMON_RULES)}

__all__ = ["COMMON_RULES", "ROUTE_RULES", "RULES", "Rule", "fraud_ban_years"]
