"""The checks intake applies at the door, before an application is filed (SPEC 4).

`validate_filing` collects every problem and raises one InvalidInput whose `details` lists them
all as {field, code, message_zh, message_en}, so the applicant fixes everything in one pass.
Whether the applicant is eligible is the eligibility service's question, not this one's.
"""
from __future__ import annotations

from datetime import date

from contracts.application import Application, AttachmentKind as K, Route, UnitKind
from contracts.errors import InvalidInput
from contracts.plan import Plan

from .fields import field_problems
from .identity import (birth_date, compact_id, credit_code_problems, id_number_problems,
                       mask_id_number, person_ref)
from .photo import PhotoReading, photo_problems, pixels_problem, read_photo, too_many_pixels
from .problems import Problem

__all__ = ["Problem", "application_problems", "attachment_problems", "birth_date", "compact_id",
           "credit_code_problems", "id_number_problems", "mask_id_number", "person_ref",
           "PhotoReading", "photo_problems", "pixels_problem", "read_photo", "too_many_pixels", "validate_filing"]

ROUTE_EVIDENCE = {Route.LANDMARK: (K.LANDMARK_EVIDENCE, "标志性业绩佐证材料"),
                  Route.TRANSFER: (K.TRANSFER_EVIDENCE, "转评佐证材料"),
                  Route.SKILL_TALENT: (K.SKILL_EVIDENCE, "技能人才佐证材料")}


def _missing(field: str, zh: str, en: str) -> Problem:
    return Problem(field, "ATTACHMENT_MISSING", f"未上传{zh}", f"missing attachment: {en}")


def attachment_problems(application: Application, plan: Plan) -> list[Problem]:
    atts = application.attachments
    kinds = {a.kind for a in atts}
    problems = [_missing(f"attachments.ce_certificate.{y}", f"{y}年度继续教育学时登记证明",
                         f"{y} continuing-education certificate")
                for y in sorted(plan.continuing_education.certificate_years)
                if not any(a.kind == K.CE_CERTIFICATE and a.year == y for a in atts)]
    si = application.social_insurance
    if si and si.out_of_province_in_last_3_years and K.OUT_OF_PROVINCE_SI_PROOF not in kinds:
        problems.append(_missing("attachments.out_of_province_si_proof", "省外社保缴纳证明",
                                 "out-of-province social insurance proof"))
    if application.unit.kind == UnitKind.PUBLIC_INSTITUTION:
        post = application.public_institution
        if post is None or post.in_establishment:
            if K.POST_TABLE not in kinds:
                problems.append(_missing("attachments.post_table", "《事业单位人员职称申报岗位信息表》",
                                         "public-institution post table"))
        elif K.UNIT_EXPLANATION not in kinds:
            problems.append(_missing("attachments.unit_explanation", "非在编人员单位说明",
                                     "unit explanation for staff outside the establishment"))
    if K.APPOINTMENT_LETTER not in kinds:
        problems.append(_missing("attachments.appointment_letter", "聘书", "appointment letters"))
    if application.route in ROUTE_EVIDENCE:
        kind, zh = ROUTE_EVIDENCE[application.route]
        if kind not in kinds:
            problems.append(_missing(f"attachments.{kind.value}", zh, f"{kind.value} evidence"))
    ids = {a.attachment_id for a in atts if a.kind == K.CONTRIBUTION_EVIDENCE}
    for i, ach in enumerate(application.achievements):
        if ach.collective and ach.contribution_evidence_attachment_id not in ids:
            problems.append(_missing(f"achievements[{i}].contribution_evidence_attachment_id",
                                     f"集体项目“{ach.title}”本人系主要贡献者依据",
                                     f"principal-contributor evidence for {ach.title}"))
    problems += [Problem(f"attachments[{i}]", "ATTACHMENT_NOT_VERIFIED",
                         "复印件须经单位人事部门核对原件，注明“核对无误”并签名、注明时间、加盖公章",
                         "copies must be verified against the original, signed, dated and sealed")
                 for i, a in enumerate(atts) if not a.verified_copy]
    return problems


def application_problems(application: Application, plan: Plan, *, id_number: str,
                         photo: bytes | PhotoReading | None, today: date) -> list[Problem]:
    """Every problem of the filing; empty when it may be filed. `photo`: its bytes, or read once."""
    problems = photo_problems(photo, plan.photo)
    if application.pledge_signed_at is None:
        problems.append(Problem("pledge_signed_at", "PLEDGE_NOT_SIGNED",
                                "请先签署《专业技术资格申报材料真实性保证书》", "sign the truthfulness pledge first"))
    length, limit = len(application.self_statement), plan.self_statement_max_chars
    if length > limit:
        problems.append(Problem("self_statement", "SELF_STATEMENT_TOO_LONG",
                                f"本人述职限{limit}字以内，当前{length}字",
                                f"self-statement is limited to {limit} characters, got {length}"))
    problems += id_number_problems(id_number, today)
    problems += credit_code_problems(application.unit.credit_code)
    problems += attachment_problems(application, plan)
    problems += field_problems(application, plan, today)
    return problems


def validate_filing(application: Application, plan: Plan, *, id_number: str,
                    photo: bytes | PhotoReading | None, today: date) -> None:
    """Raise InvalidInput listing every problem; return quietly when there is none."""
    problems = application_problems(application, plan, id_number=id_number, photo=photo, today=today)
    if problems:
        raise InvalidInput(f"申报材料有{len(problems)}处问题，请修改后再提交",
                           f"the application has {len(problems)} problem(s); correct them and resubmit",
                           details=[p.as_dict() for p in problems])
