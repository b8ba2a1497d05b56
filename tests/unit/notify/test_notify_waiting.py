"""Where a case waits, re-derived by notify from review's events and the plan (no review import)."""
import uuid
from datetime import UTC, datetime

import pytest

from contracts.envelope import SYSTEM_ACTOR, Envelope
from contracts.events import ReviewLevel
from contracts.plan import load_plan
from services.notify.domain.waiting import Left, MovedTo, Opened, change_for, org_at

PLAN = load_plan()
APP = uuid.uuid4()
SUMMARY = {"applicant_name": "张三", "applicant_phone": "13812345678", "id_number_masked": "330602********1234",
           "unit_id": "u-1", "unit_name": "某公司", "unit_area": "keqiao", "unit_kind": "private_enterprise",
           "route": "normal", "specialty": "建筑结构"}


def env(kind: str, **payload) -> Envelope:
    now = datetime(2020, 8, 10, tzinfo=UTC)
    return Envelope(event_type=kind, stream_id=f"case-{APP}", stream_version=1, occurred_at=now, recorded_at=now,
                    actor=SYSTEM_ACTOR, correlation_id=APP, payload={"application_id": str(APP), **payload})


def test_an_opened_case_waits_at_its_unit():
    assert change_for(env("CaseOpened", revision=1, outcome="eligible", summary=SUMMARY)) == Opened(APP, "u-1", "keqiao")


def test_a_private_firm_filing_through_the_talent_centre_waits_there():
    summary = {**SUMMARY, "personnel_files_at_talent_center": True}
    change = change_for(env("CaseOpened", revision=1, outcome="eligible", summary=summary))
    assert change.unit_org == "keqiao-talent-center"


@pytest.mark.parametrize("kind, payload, level", [
    ("PublicNoticeCompleted", {"result": "无异议"}, ReviewLevel.CONSTRUCTION_AUTHORITY),
    ("DepartmentApproved", {"level": "construction_authority", "department": "kq-construction", "opinion": "同意"},
     ReviewLevel.HR_BUREAU),
    ("HRBureauRecommended", {"bureau": "kq-hr"}, ReviewLevel.CITY_HR_BUREAU),
])
def test_each_forwarding_moves_the_case_one_level_up_the_chain(kind, payload, level):
    assert change_for(env(kind, **payload)) == MovedTo(APP, level)


@pytest.mark.parametrize("kind, payload", [
    ("Returned", {"level": "unit", "reason": "r"}), ("UnitRejected", {"reason": "r"}),
    ("DepartmentRejected", {"level": "hr_bureau", "department": "kq-hr", "reason": "r"}),
    ("CaseClosed", {"final_status": "withdrawn"}), ("ForwardedToCommittee", {"committee": "c"}),
    ("InterviewResultRecorded", {"passed": False, "remarks": "未通过"}),
])
def test_a_case_that_is_returned_closed_forwarded_or_failed_waits_nowhere(kind, payload):
    assert change_for(env(kind, **payload)) == Left(APP)


@pytest.mark.parametrize("kind, payload", [
    ("UnitApproved", {"opinion": "同意"}), ("InterviewResultRecorded", {"passed": True}),
    ("DepartmentApproved", {"level": "hr_bureau", "department": "kq-hr", "opinion": "同意"}),
])
def test_steps_within_a_level_leave_the_case_where_it_waits(kind, payload):
    assert change_for(env(kind, **payload)) is None


def test_the_organisations_of_the_chain_come_from_the_plan():
    assert [org_at(PLAN, "keqiao", level, "u-1") for level in ReviewLevel] == [
        "u-1", "kq-construction", "kq-hr", "sx-city-hr"]
    assert org_at(PLAN, "city", ReviewLevel.HR_BUREAU, "u-1") == "sx-city-hr"
