"""Event versions: (type, version) -> model through an upcaster chain; unknown versions refused;
every stored schema version checked against its successor."""
import uuid

import pytest

from contracts import schema_tool, upcasters
from contracts.events import CaseOpened, ReviewLevel
from contracts.registry import UnknownEventType, UnknownEventVersion, decode_payload
from contracts.schema_tool import breaking_changes, check, stored_schemas

SUMMARY = {"applicant_name": "张三", "applicant_phone": "13812345678", "id_number_masked": "330602********1234",
           "unit_id": "u-1", "unit_name": "某公司", "unit_area": "keqiao", "unit_kind": "private_enterprise",
           "route": "normal", "specialty": "建筑结构", "personnel_files_at_talent_center": True}
V1 = {"application_id": str(uuid.uuid4()), "revision": 1, "outcome": "eligible", "summary": SUMMARY}


def test_a_stored_v1_case_opened_reads_as_v4_saying_who_acts_first_no_route_used_and_the_first_plan():
    opened = decode_payload("CaseOpened", 1, V1)
    assert isinstance(opened, CaseOpened) and CaseOpened.schema_version == 4
    assert (opened.plan_id, opened.plan_version) == ("zj-sx-2020-zgj", "2020.1")
    assert (opened.acting.level, opened.acting.org_id) == (ReviewLevel.UNIT, "keqiao-talent-center")
    assert opened.route_used is None  # the declared route stands for history before v3


def test_a_v2_payload_is_read_with_its_acting_and_a_v3_payload_as_it_is():
    v2 = {**V1, "acting": {"level": "unit", "org_id": "someone"}}
    assert decode_payload("CaseOpened", 2, v2).acting.org_id == "someone"
    assert decode_payload("CaseOpened", 3, {**v2, "route_used": "skill_talent"}).route_used == "skill_talent"


@pytest.mark.parametrize("version", [0, -1, 5, 999])
def test_a_version_the_reader_does_not_know_is_refused_as_bad_data(version):
    with pytest.raises(UnknownEventVersion) as refused:
        decode_payload("CaseOpened", version, V1)
    assert isinstance(refused.value, ValueError)


def test_an_event_at_its_only_version_refuses_version_two():
    with pytest.raises(UnknownEventVersion):
        decode_payload("UnitApproved", 2, {"application_id": str(uuid.uuid4()), "opinion": "ok"})


def test_an_unknown_event_type_is_refused_as_bad_data():
    with pytest.raises(UnknownEventType):
        decode_payload("SomethingNew", 1, {})


def test_the_upcast_v1_payload_is_valid_under_the_checked_in_v2_schema():
    stored = stored_schemas()
    assert {"CaseOpened.v1", "CaseOpened.v2", "CaseOpened.v3"} <= stored.keys()
    assert set(stored["CaseOpened.v2"]["required"]) <= upcasters.case_opened_v1_to_v2(V1).keys()
    v3 = upcasters.case_opened_v2_to_v3(upcasters.case_opened_v1_to_v2(V1))
    assert set(stored["CaseOpened.v3"]["required"]) <= v3.keys()


def test_v2_breaks_v1_which_is_why_it_is_a_new_version_with_an_upcaster():
    stored = stored_schemas()
    assert any("acting: new required field" in p for p in breaking_changes(stored["CaseOpened.v1"], stored["CaseOpened.v2"]))
    assert check() == {}


def test_a_version_without_an_upcaster_from_its_predecessor_fails_the_check(monkeypatch):
    monkeypatch.setattr(schema_tool, "UPCASTERS", {})
    found = check()
    for name in ("CaseOpened.v1", "DepartmentApproved.v1", "EligibilityAssessed.v1", "ApplicationSubmitted.v1"):
        assert found[name] == ["no upcaster from v1 to v2"]
    assert found["CaseOpened.v2"] == ["no upcaster from v2 to v3"]


def test_a_stored_v1_department_approval_reads_with_no_paper_to_bring():
    v1 = {"application_id": str(uuid.uuid4()), "level": "hr_bureau", "department": "kq-hr", "opinion": "同意"}
    approved = decode_payload("DepartmentApproved", 1, v1)
    assert (approved.form_copies, approved.deliver_to) == (0, "")


def test_writing_a_new_version_adds_a_file_beside_the_old_one_and_keeps_it(monkeypatch, tmp_path):
    for path in schema_tool.SCHEMAS_DIR.glob("CaseOpened.v[123].json"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(schema_tool, "SCHEMAS_DIR", tmp_path)
    monkeypatch.setattr(schema_tool, "check", lambda: {})
    schema_tool.write()
    assert all((tmp_path / f"CaseOpened.v{n}.json").exists() for n in (1, 2, 3, 4))


PERSONAL = ("张三", "13812345678", "330602********1234", "1965-03-12")


@pytest.mark.parametrize("event_type,version,payload", [
    ("CaseOpened", 1, V1),
    ("CaseOpened", 2, {**V1, "acting": {"level": "unit", "org_id": "u-1"}}),
    ("EligibilityAssessed", 1, {"application_id": str(uuid.uuid4()), "revision": 1, "outcome": "eligible",
                                "qualifying_routes": [], "routes": [], "rules": [], "plan_id": "p", "plan_version": "1",
                                "summary": SUMMARY}),
    ("NotificationSent", 1, {"notification_id": str(uuid.uuid4()), "template": "passed_unit",
                             "recipient_masked": "138****5678", "text": "张三您好，13812345678", "dedup_key": "k",
                             "caused_by_event_id": str(uuid.uuid4())}),
    ("UnitAuthorized", 1, {"unit_id": "u-1", "unit_name": "绍兴市建筑设计院", "operator_name": "张三",
                           "operator_phone": "13812345678"}),
    ("DeadlineApproaching", 1, {"recipient_org": "u-1", "recipient_phone": "13812345678", "deadline": "2020-08-20",
                                "waiting_cases": 2, "level": "unit"}),
])
def test_a_v1_event_with_personal_fields_is_read_without_them(event_type, version, payload):
    read = decode_payload(event_type, version, payload).model_dump_json()
    assert not [p for p in PERSONAL if p in read]


def test_a_v1_unit_authorization_names_no_operator_and_a_v1_reminder_no_phone():
    authorised = decode_payload("UnitAuthorized", 1, {"unit_id": "u-1", "unit_name": "院", "operator_name": "张三",
                                                      "operator_phone": "13812345678"})
    assert authorised.model_dump() == {"unit_id": "u-1", "unit_name": "院", "operator_ref": ""}
    reminder = decode_payload("DeadlineApproaching", 1, {"recipient_org": "yc-hr", "recipient_phone": "0575-88307199",
                                                         "deadline": "2020-09-19", "waiting_cases": 1,
                                                         "level": "hr_bureau"})
    assert "recipient_phone" not in reminder.model_dump() and reminder.recipient_org == "yc-hr"


def test_a_v1_filing_is_read_as_a_pseudonymous_applicant():
    from zc.samples import normal_data

    data = normal_data()
    read = decode_payload("ApplicationSubmitted", 1, {"application": data})
    assert read.application.applicant.model_dump() == {"person_ref": data["applicant"]["person_ref"]}
    assert not [p for p in PERSONAL if p in read.model_dump_json()] and read.sealed is None
    assert upcasters.filing_v1_to_v2({"application": data})["application"]["applicant"] == {
        "person_ref": data["applicant"]["person_ref"]}


def test_a_v1_erasure_reads_with_an_unknown_requester_and_not_its_free_text():
    v1 = {"person_ref": "ab" * 32, "erased_by": "acct-1", "erased_by_role": "city_hr_bureau",
          "requested_by": "张三本人申请（电话 13812345678）", "data_key_deleted": True, "photos_deleted": 1}
    read = decode_payload("PersonErased", 1, v1)
    assert read.requested_by.model_dump() == {"role": "", "uid": ""}
    assert "张三" not in read.model_dump_json() and "13812345678" not in read.model_dump_json()
