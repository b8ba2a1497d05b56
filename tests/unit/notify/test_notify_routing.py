import uuid

from contracts.registry import decode

import pytest

from contracts.events import CaseClosed, CaseMovedTo, FeePaid

from services.notify.domain.compose import Outgoing, compose
from services.notify.domain.recipients import Contact, RecipientKind
from contracts.personal_data import contains_full_id
from services.notify.domain.routing import route
from notify_samples import APP_ID, OVERDUE, SAMPLES, envelope, event

APPLICANT = Contact(RecipientKind.APPLICANT, str(APP_ID), "张三", "13812345678")


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_each_event_of_spec_7_asks_for_its_message(event_type, plan):
    payload, template = SAMPLES[event_type]
    [message] = route(event(event_type, payload), plan)
    assert message.template == template
    assert message.fields["plan"] == plan.short_name_zh


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_each_routed_message_composes_into_a_text_with_no_full_id(event_type, plan, catalogue):
    payload, _ = SAMPLES[event_type]
    env = envelope(event_type, payload)
    [message] = route(decode(env), plan)
    out = compose(env.event_id, message, APPLICANT, catalogue)
    assert isinstance(out, Outgoing), out
    assert len(out.text) <= catalogue.max_chars and not contains_full_id(out.text)
    assert out.sent().caused_by_event_id == env.event_id


def test_applicant_messages_go_to_the_applicant_of_the_application(plan):
    [m] = route(event("UnitRejected", SAMPLES["UnitRejected"][0]), plan)
    assert (m.recipient_kind, m.recipient_ref, m.application_id) == (RecipientKind.APPLICANT, str(APP_ID), APP_ID)
    assert m.fields["reason"] == "任职年限不足" and m.fields["step"] == "unit"


def test_a_returned_case_names_the_level_and_every_section_reason(plan):
    [m] = route(event("Returned", SAMPLES["Returned"][0]), plan)
    assert m.fields["reason"] == "论文扫描件不清晰（请重新上传第2篇论文）"


def test_unit_authorisation_goes_to_the_operator_it_authorised_named_by_reference_only(plan):
    [m] = route(event("UnitAuthorized", SAMPLES["UnitAuthorized"][0]), plan)
    assert (m.recipient_kind, m.recipient_ref, m.contact.person_ref) == (RecipientKind.UNIT, "u-1", "0f" * 32)
    assert (m.contact.name, m.contact.phone) == ("", None)  # looked up in personal_data at planning


def test_a_v1_unit_authorisation_names_no_operator_and_goes_to_the_units_directory_contact(plan):
    v1 = envelope("UnitAuthorized", {"unit_id": "u-1", "unit_name": "院", "operator_name": "李四",
                                     "operator_phone": "13900001111"}).model_copy(update={"schema_version": 1})
    [m] = route(decode(v1), plan)
    assert m.contact is None and "李四" not in str(decode(v1).model_dump())


def test_each_department_level_has_its_own_passed_message(plan):
    for level in ("construction_authority", "hr_bureau", "city_hr_bureau"):
        payload = {"application_id": str(APP_ID), "level": level, "department": "d", "opinion": "同意"}
        assert [m.template for m in route(event("DepartmentApproved", payload), plan)] == [f"passed_{level}"]


def test_interview_time_is_shown_in_the_plans_time_zone(plan, catalogue):
    env = envelope("InterviewScheduled", SAMPLES["InterviewScheduled"][0])
    [m] = route(decode(env), plan)
    assert "10月20日09:30" in compose(env.event_id, m, APPLICANT, catalogue).text  # 01:30Z is 09:30 in Shaoxing


def test_a_bureau_named_by_its_org_id_is_shown_by_its_name(plan):
    payload = {"application_id": str(APP_ID), "bureau": "kq-hr"}
    [m] = route(event("HRBureauRecommended", payload), plan)
    assert m.fields["bureau"] == "柯桥区人力资源和社会保障局"


def test_a_notice_with_objections_says_so_and_an_interview_pass_is_congratulated(plan):
    objected = {"application_id": str(APP_ID), "objections": 2, "result": "核实中"}
    assert route(event("PublicNoticeCompleted", objected), plan)[0].template == "public_notice_ended_with_objections"
    passed = {"application_id": str(APP_ID), "passed": True}
    assert route(event("InterviewResultRecorded", passed), plan)[0].template == "interview_passed"


def test_eligible_assessments_send_nothing(plan):
    payload = {**SAMPLES["EligibilityAssessed"][0], "outcome": "eligible"}
    assert route(event("EligibilityAssessed", payload), plan) == []


def test_a_reminder_goes_to_the_department_by_its_identity_only(plan):
    [m] = route(event("DeadlineApproaching", SAMPLES["DeadlineApproaching"][0]), plan)
    assert (m.recipient_kind, m.recipient_ref) == (RecipientKind.ORG, "yc-hr") and m.fields["waiting_cases"] == 4


def test_a_unit_reminder_without_a_number_is_looked_up_in_the_directory(plan):
    payload = {"recipient_org": "u-1", "deadline": "2020-08-20", "waiting_cases": 2, "level": "unit"}
    [m] = route(event("DeadlineApproaching", payload), plan)
    assert (m.recipient_kind, m.recipient_ref) == (RecipientKind.UNIT, "u-1")


def test_events_that_need_no_message_route_to_nothing(plan):
    app = uuid.uuid4()
    quiet = [FeePaid(application_id=app, amount_yuan=0, paid_at="2020-09-01T00:00:00Z"),
             CaseClosed(application_id=app, final_status="withdrawn"), CaseMovedTo(application_id=app, acting=None)]
    assert [route(e, plan) for e in quiet] == [[], [], []]


def test_a_case_closed_by_the_deadline_sweep_tells_the_applicant_and_the_unit(plan, catalogue):
    env = envelope("ClosedOverdue", OVERDUE)
    to_applicant, to_unit = route(decode(env), plan)
    assert (to_applicant.template, to_applicant.recipient_kind, to_applicant.recipient_ref) == (
        "closed_overdue", RecipientKind.APPLICANT, str(APP_ID))
    assert (to_unit.template, to_unit.recipient_kind, to_unit.recipient_ref) == (
        "closed_overdue_unit", RecipientKind.UNIT, "u-1")
    text = compose(env.event_id, to_applicant, APPLICANT, catalogue).text
    assert "逾期未审核" in text and "8月20日" in text and "用人单位审核" in text


def test_a_dismissed_objection_tells_the_applicant_what_the_unit_found(plan, catalogue):
    payload = {**SAMPLES["ObjectionResolved"][0], "upheld": False, "finding": "经核实署名无误"}
    env = envelope("ObjectionResolved", payload)
    [message] = route(decode(env), plan)
    text = compose(env.event_id, message, APPLICANT, catalogue).text
    assert message.template == "objection_dismissed" and "经核实署名无误" in text and "不成立" in text


def test_a_city_level_case_is_not_recommended_by_the_city_hr_bureau_to_itself(plan, catalogue):
    env = envelope("HRBureauRecommended", {"application_id": str(APP_ID), "bureau": plan.city_hr_bureau.org_id})
    [message] = route(decode(env), plan)
    text = compose(env.event_id, message, APPLICANT, catalogue).text
    assert message.template == "recommended_city_level" and "推荐至市人力社保局" not in text
    district = envelope("HRBureauRecommended", {"application_id": str(APP_ID), "bureau": "kq-hr"})
    [message] = route(decode(district), plan)
    assert "柯桥区人力资源和社会保障局审核推荐至市人力社保局" in compose(district.event_id, message, APPLICANT, catalogue).text
