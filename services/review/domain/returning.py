"""退回修改 at any level: a reason and the sections the applicant must correct, each with its own
reason. The vocabulary of sections is fixed so the applicant's screen and the 12333 message can
name them in Chinese."""
from __future__ import annotations

from contracts.errors import InvalidInput
from contracts.events import Payload, Returned
from contracts.plan import Plan
from services.review.domain.case import Case, Stage
from services.review.domain.commands import ReturnForRevision
from services.review.domain.department_review import DEPARTMENT_LEVELS
from services.review.domain.guards import (acting_step, require_case, require_fee_waived, require_in_time,
                                           require_stage, require_text)

SECTIONS_ZH = {
    "basic_info": "基本信息", "photo": "证件照", "self_statement": "本人述职", "assessments": "年度考核",
    "qualifications": "资格信息", "achievements": "业绩成果", "papers": "论文",
    "ce_certificates": "继续教育证明", "appointment_letters": "聘书", "social_insurance": "社保证明",
    "post_table": "岗位信息表", "landmark_evidence": "标志性业绩材料", "transfer_evidence": "转评材料",
    "skill_evidence": "技能人才材料", "other": "其他",
}
_RETURNABLE = (Stage.AT_UNIT, Stage.AWAITING_NOTICE, Stage.PUBLIC_NOTICE, Stage.AT_CONSTRUCTION_AUTHORITY,
               Stage.AT_HR_BUREAU, Stage.AT_CITY)


def return_for_revision(case: Case | None, cmd: ReturnForRevision, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, *_RETURNABLE, doing_zh="退回修改", doing_en="be returned for revision")
    step = acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    if step.level in DEPARTMENT_LEVELS:
        require_fee_waived(case, step)
    reason = require_text(cmd.reason, "reason", "退回原因")
    if not cmd.sections:
        raise InvalidInput("请指明需要修改的内容", "name at least one section to correct", code="SECTIONS_REQUIRED")
    unknown = sorted({s.section for s in cmd.sections} - SECTIONS_ZH.keys())
    if unknown:
        raise InvalidInput(f"未知的退回项目：{'、'.join(unknown)}", f"unknown sections: {', '.join(unknown)}",
                           code="UNKNOWN_SECTION", details={"sections": unknown, "known": sorted(SECTIONS_ZH)})
    for section in cmd.sections:
        require_text(section.reason, f"sections.{section.section}.reason", f"“{SECTIONS_ZH[section.section]}”的退回原因")
    return [Returned(application_id=case.application_id, level=step.level, reason=reason,
                     sections=list(cmd.sections))]
