"""Sample events as they arrive at notify, one per event type it reacts to (imported by the tests)."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from contracts.envelope import SYSTEM_ACTOR, Envelope
from contracts.registry import decode

APP_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
WHEN = datetime(2020, 8, 3, 1, 30, tzinfo=timezone.utc)
SUMMARY = {
    "person_ref": "ab" * 32, "unit_id": "u-1", "unit_name": "绍兴市建筑设计院", "unit_area": "city", "unit_kind": "state_enterprise",
    "route": "normal", "specialty": "建筑设计",
}

# One payload per event type notify reacts to, with the template it must lead to.
SAMPLES: dict[str, tuple[dict, str]] = {
    "UnitAuthorized": ({"unit_id": "u-1", "unit_name": "绍兴市建筑设计院", "operator_ref": "0f" * 32}, "unit_authorized"),
    "Returned": ({"application_id": str(APP_ID), "level": "unit", "reason": "论文扫描件不清晰",
                  "sections": [{"section": "papers", "reason": "请重新上传第2篇论文"}]}, "application_returned"),
    "UnitRejected": ({"application_id": str(APP_ID), "reason": "任职年限不足"}, "not_passed"),
    "DepartmentRejected": ({"application_id": str(APP_ID), "level": "hr_bureau", "department": "yc-hr",
                            "reason": "社保缴纳不满1年"}, "not_passed"),
    "UnitApproved": ({"application_id": str(APP_ID), "opinion": "同意"}, "passed_unit"),
    "DepartmentApproved": ({"application_id": str(APP_ID), "level": "construction_authority",
                            "department": "yc-construction", "opinion": "同意"}, "passed_construction_authority"),
    "HRBureauRecommended": ({"application_id": str(APP_ID), "bureau": "越城区人力资源和社会保障局"}, "recommended_to_city"),
    "PublicNoticeStarted": ({"application_id": str(APP_ID), "starts_on": "2020-08-03", "ends_on": "2020-08-07",
                             "working_days": 5}, "public_notice_started"),
    "PublicNoticeCompleted": ({"application_id": str(APP_ID), "objections": 0, "result": "无异议"}, "public_notice_ended"),
    "InterviewScheduled": ({"application_id": str(APP_ID), "scheduled_at": "2020-10-20T01:30:00Z",
                            "place": "人社大楼1318室"}, "interview_scheduled"),
    "InterviewResultRecorded": ({"application_id": str(APP_ID), "passed": False, "remarks": "答辩内容与业绩不符"},
                                "interview_failed"),
    "FeeRequested": ({"application_id": str(APP_ID), "amount_yuan": 600, "due_by": "2020-10-30T09:00:00Z"}, "fee_due"),
    "ForwardedToCommittee": ({"application_id": str(APP_ID), "committee": "省正高工评委会办公室"}, "forwarded_to_committee"),
    "DeadlineApproaching": ({"recipient_org": "yc-hr", "deadline": "2020-09-19",
                             "waiting_cases": 4, "level": "hr_bureau"}, "deadline_approaching"),
    "ObjectionResolved": ({"application_id": str(APP_ID), "number": 1, "upheld": True,
                           "finding": "代表性业绩非本人主持"}, "objection_upheld"),
    "EligibilityAssessed": ({"application_id": str(APP_ID), "revision": 1, "outcome": "ineligible",
                             "qualifying_routes": [], "routes": [], "plan_id": "zj-sx-2020-zgj", "plan_version": "2020.1",
                             "rules": [{"code": "CE_HOURS", "passed": False, "message_zh": "2019年度继续教育学时不足90学时",
                                        "message_en": "CE hours"}], "summary": SUMMARY}, "eligibility_ineligible"),
}


OVERDUE = {"application_id": str(APP_ID), "level": "unit", "waiting_for": "u-1", "deadline": "2020-08-20",
           "reason": "逾期未审核", "unit_org": "u-1"}


# The samples are written at v1 (and upcast when read) except these, written at their pseudonymous
# version (their v1 carried a contact: the upcaster drops it).
WRITTEN_AT = {"UnitAuthorized": 2, "DeadlineApproaching": 2}


def envelope(event_type: str, payload: dict, event_id: uuid.UUID | None = None) -> Envelope:
    return Envelope(event_id=event_id or uuid.uuid4(), event_type=event_type, stream_id=f"case-{APP_ID}",
                    stream_version=1, occurred_at=WHEN, recorded_at=WHEN, actor=SYSTEM_ACTOR,
                    correlation_id=uuid.uuid4(), payload=payload,
                    schema_version=WRITTEN_AT.get(event_type, 1))




def event(event_type: str, payload: dict):
    """The payload as a consumer sees it: decoded (and upcast) from its envelope."""
    return decode(envelope(event_type, payload))
