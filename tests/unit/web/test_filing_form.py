"""The filing form's fields and the intake request they become: a returned application's filing,
read back into the form, becomes the same request again (its personal fields typed anew)."""
from __future__ import annotations

from contracts.plan import load_plan
from tests.fixtures.builders import normal_applicant
from web import filing

PLAN = load_plan("shaoxing-2020")


def test_an_application_read_into_the_form_files_the_same_facts_again():
    filed = normal_applicant().model_dump(mode="json")
    fields = {**filing.fields_from_application(PLAN, filed), "name": "王建国", "id_number": "330602196503121234",
              "phone": "13800138000", "pledge": True}
    documents = [{"ref": "doc-1", "kind": "photo", "year": None}, {"ref": "doc-2", "kind": "ce_certificate", "year": 2019}]
    body = filing.submit_body(PLAN, fields, documents, str(filed["application_id"]), "2020-08-10T10:00:00+08:00")
    for part in ("specialty", "professional_years", "assessments", "self_statement"):
        assert body[part] == filed[part], part
    assert body["unit"] | {"phone": None} == {k: filed["unit"][k] for k in ("unit_id", "name", "credit_code", "area", "kind")} | {"phone": None}
    dates = ("senior_qualified_on", "senior_appointed_on", "engineer_appointed_on")
    assert [body["qualifications"][k] for k in dates] == [filed["qualifications"][k] for k in dates]
    assert [(c["year"], c["professional_hours"]) for c in body["continuing_education"]] == \
        [(c["year"], c["professional_hours"]) for c in filed["continuing_education"]]
    assert [a["entry_id"] for a in body["achievements"]] == [a["entry_id"] for a in filed["achievements"]]
    assert body["photo_ref"] == "doc-1" and body["attachments"] == [{"attachment_id": "doc-2", "kind": "ce_certificate", "year": 2019}]
    assert body["pledge_signed_at"] and body["applicant"]["id_number"] == "330602196503121234"


def test_without_the_pledge_ticked_the_request_carries_no_signature():
    body = filing.submit_body(PLAN, {"name": "王建国"}, [], "0b7a3c52-4f0e-4d1a-9a57-3f1c2e8d9a01", "2020-08-10T10:00:00+08:00")
    assert "pledge_signed_at" not in body and body["photo_ref"] is None


def test_every_step_asks_for_the_years_the_plan_names():
    names = {f.name for step in filing.steps(PLAN) for f in step.fields}
    assert {f"assessment_{y}" for y in PLAN.assessment_years} <= names
    assert {f"ce_{y}_professional" for y in PLAN.continuing_education.record_years} <= names
    assert [kind for kind, _y, _l in filing.required_documents(PLAN)].count("ce_certificate") == \
        len(PLAN.continuing_education.certificate_years)
