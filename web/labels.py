"""The words the pages use for the services' codes (stages, roles, events, attachment kinds), and
times in Asia/Shanghai."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
STAGES = {
    "at_unit": "待单位审查", "awaiting_notice": "单位审查通过，待公示", "public_notice": "公示中",
    "at_construction_authority": "待建设主管部门审查", "at_hr_bureau": "待人力社保部门审查",
    "interview_pending": "待业务面试", "awaiting_recommendation": "待审核推荐", "at_city": "待市人力社保局汇总",
    "forwarded": "已报送省评委会", "returned": "已退回修改", "closed_rejected": "审查未通过",
    "closed_interview_failed": "面试未通过", "closed_overdue": "逾期关闭", "withdrawn": "已撤回",
}
ROLES = {"applicant": "申报人", "unit": "所在单位", "construction_authority": "建设主管部门", "hr_bureau": "人力社保部门",
         "city_hr_bureau": "市人力社保局", "auditor": "审计"}
EVENTS = {
    "CaseOpened": "申报已受理", "UnitApproved": "单位审查通过", "UnitRejected": "单位审查不通过",
    "Returned": "退回修改", "PublicNoticeStarted": "公示开始", "ObjectionRecorded": "收到异议",
    "ObjectionResolved": "异议核实", "PublicNoticeCompleted": "公示结束", "CaseMovedTo": "转交",
    "DepartmentApproved": "主管部门审查通过", "DepartmentRejected": "主管部门审查不通过", "CaseClosed": "办结",
    "HRBureauRecommended": "审核推荐", "ForwardedToCommittee": "报送省评委会", "InterviewScheduled": "面试安排",
    "InterviewResultRecorded": "面试结果", "FeeRequested": "缴费通知", "FeePaid": "已缴费", "FeeOptionSet": "收费方式",
    "ClosedOverdue": "逾期关闭", "ApplicationResubmittedToCase": "重新提交", "CaseRevised": "重新提交",
}
KINDS = {"photo": "证件照", "ce_certificate": "继续教育学时登记证明", "appointment_letter": "聘书",
         "out_of_province_si_proof": "省外社保缴纳证明", "post_table": "事业单位人员职称申报岗位信息表",
         "unit_explanation": "非在编人员单位说明", "landmark_evidence": "标志性业绩证明",
         "transfer_evidence": "转评证明", "skill_evidence": "技能人才证明", "contribution_evidence": "主要贡献者依据"}
ROUTES = {"normal": "正常申报", "transfer": "转评", "landmark": "标志性业绩", "skill_talent": "技能人才"}
ARCHIVE = {"pending": "待单位审核", "approved": "已审核通过", "rejected": "未通过"}
SECTIONS = {"basic": "基本信息", "qualifications": "资历", "assessments": "年度考核", "ce_certificates": "继续教育",
            "achievements": "代表性业绩", "papers": "论文", "appointment_letters": "聘书", "photo": "证件照",
            "attachments": "附件"}


def stage(code: str | None) -> str:
    return STAGES.get(code or "", code or "")


def role(code: str | None) -> str:
    return ROLES.get(code or "", code or "")


def event(code: str | None) -> str:
    return EVENTS.get(code or "", code or "")


def kind(code: str | None) -> str:
    return KINDS.get(code or "", code or "")


def shanghai(value: str | None) -> str:
    """An ISO time as Asia/Shanghai wall time (a date stays a date)."""
    if not value:
        return ""
    if len(value) == 10:
        return value
    try:
        return datetime.fromisoformat(value).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value
