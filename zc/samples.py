"""Sample applications (valid under the Shaoxing 2020 plan) for the demo, the benchmark and the tests.

`normal_applicant()` passes every rule of the Shaoxing 2020 plan through the normal route; the
other builders change only what their route needs. `change` and `change_in` re-validate, so a
test cannot build an application the contracts would refuse.
"""
from __future__ import annotations

import uuid
from datetime import date

from contracts.application import Application
from contracts.plan import load_plan

PLAN = load_plan("shaoxing-2020")
UNIT_CODE = "91330600MA2BC1234X"  # valid 统一社会信用代码 (checksum computed with stdnum)
PUBLIC_UNIT_CODE = "123306004700001235"
ID_NUMBER = "330602196503121234"  # county code newer than the birth year: stdnum refuses it


def normal_data() -> dict:
    """A valid normal-route application as contract JSON (dates as ISO text)."""
    return {
        "application_id": "0b7a3c52-4f0e-4d1a-9a57-3f1c2e8d9a01", "plan_id": PLAN.plan_id,
        "revision": 1,
        "applicant": {"name": "王建国", "id_number_masked": "330602********1234",
                      "person_ref": "9f2c" * 16, "birth_date": "1965-03-12", "phone": "13800138000"},
        "unit": {"unit_id": "u-sx-jzsj", "name": "绍兴市建筑设计研究院有限公司", "credit_code": UNIT_CODE,
                 "area": "city", "kind": "state_enterprise", "phone": "0575-85123456"},
        "route": "normal", "specialty": "建筑结构", "professional_years": 32,
        "self_statement": "长期从事高层建筑结构设计，主持完成绍兴国际会展中心等项目结构设计。",
        "pledge_signed_at": "2020-08-05T09:30:00+08:00",
        "photo": {"format": "JPEG", "size_bytes": 52341, "width": 358, "height": 478,
                  "sha256": "ab" * 32},
        "assessments": [{"year": 2016, "result": "合格"}, {"year": 2017, "result": "优秀"},
                        {"year": 2018, "result": "合格"}, {"year": 2019, "result": "良好"}],
        "qualifications": {"senior_qualified_on": "2012-11-20", "senior_appointed_on": "2013-01-01",
                           "engineer_appointed_on": "2005-01-01"},
        "continuing_education": [
            {"year": y, "professional_hours": 66, "general_public_hours": 18, "industry_public_hours": 12}
            for y in (2016, 2017, 2018, 2019)],
        "social_insurance": {"paying_unit_credit_code": UNIT_CODE, "in_city_since": "2003-07-01"},
        "affiliation": {"personnel_file_unit_credit_code": UNIT_CODE,
                        "labour_contract_unit_credit_code": UNIT_CODE,
                        "social_insurance_unit_credit_code": UNIT_CODE},
        "appointment_letters": [{"title": "高级工程师", "start": "2013-01-01", "end": None}],
        "achievements": [
            {"entry_id": "ach-001", "title": "绍兴国际会展中心二期结构设计", "achieved_on": "2018-06-30",
             "approved_by_unit": True},
            {"entry_id": "ach-002", "title": "镜湖新区超高层住宅结构优化", "achieved_on": "2020-03-15",
             "approved_by_unit": True}],
        "papers": [{"title": "大跨度钢结构抗震设计探讨", "journal": "建筑结构", "published_on": "2019-04-01"}],
        "attachments": [
            {"attachment_id": "att-ce-2018", "kind": "ce_certificate", "year": 2018},
            {"attachment_id": "att-ce-2019", "kind": "ce_certificate", "year": 2019},
            {"attachment_id": "att-letter-1", "kind": "appointment_letter"}],
        "submitted_at": "2020-08-10T10:00:00+08:00",
    }


def build(data: dict) -> Application:
    return Application.model_validate(data)


def normal_applicant() -> Application:
    return build(normal_data())


def change(app: Application, **fields) -> Application:
    """A copy with top-level fields replaced, validated again."""
    return Application.model_validate({**app.model_dump(mode="json"), **_json(fields)})


def change_in(app: Application, part: str, **fields) -> Application:
    """A copy with fields of one nested part (e.g. "qualifications") replaced."""
    data = app.model_dump(mode="json")
    data[part] = {**(data.get(part) or {}), **_json(fields)}
    return Application.model_validate(data)


def _json(fields: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()}


def attachment(kind: str, year: int | None = None, ident: str | None = None) -> dict:
    return {"attachment_id": ident or f"att-{kind}-{year or 'x'}", "kind": kind, "year": year}


def with_attachments(app: Application, *extra: dict) -> Application:
    return change(app, attachments=[*app.model_dump(mode="json")["attachments"], *extra])


def transfer_applicant() -> Application:
    """副教授 since 2014, transferred and appointed 高级工程师 on 2018-07-01: 2 + 6 years."""
    app = change(normal_applicant(), route="transfer", transfer={
        "other_senior_title": "副教授", "other_senior_title_since": "2014-09-01",
        "transferred_on": "2018-07-01"},
        appointment_letters=[{"title": "副教授", "start": "2014-09-01", "end": "2018-06-30"},
                             {"title": "高级工程师", "start": "2018-07-01", "end": None}])
    app = change_in(app, "qualifications", senior_qualified_on="2018-07-01",
                    senior_appointed_on="2018-07-01")
    return with_attachments(app, attachment("transfer_evidence"))


def landmark_applicant() -> Application:
    """高级工程师 since 2017 with one landmark achievement after the appointment."""
    app = change_in(normal_applicant(), "qualifications", senior_qualified_on="2016-12-20",
                    senior_appointed_on="2017-01-01")
    app = change(app, route="landmark", landmark_achievements=[
        {"title": "主编浙江省工程建设标准《装配式混凝土结构技术规程》", "obtained_on": "2019-05-20",
         "evidence_attachment_id": "att-landmark_evidence-x"}],
        appointment_letters=[{"title": "工程师", "start": "2005-01-01", "end": "2016-12-31"},
                             {"title": "高级工程师", "start": "2017-01-01", "end": None}])
    return with_attachments(app, attachment("landmark_evidence"))


def skill_talent_applicant() -> Application:
    """中华技能大奖 winner without an engineer title, filing as 正常申报 with evidence."""
    app = change(normal_applicant(), route="skill_talent", specialty="建筑施工",
                 qualifications={"senior_certificate_province": "浙江"},
                 skill_talent={"award": "china_skills_award", "awarded_on": "2018-12-10"},
                 appointment_letters=[{"title": "高级技师", "start": "2010-01-01", "end": None}])
    return with_attachments(app, attachment("skill_evidence"))


def public_institution_applicant() -> Application:
    """A staff member in establishment at a public institution, post table uploaded."""
    app = change(normal_applicant(), public_institution={"in_establishment": True,
                                                          "within_post_ratio": True},
                 social_insurance={"paying_unit_credit_code": PUBLIC_UNIT_CODE,
                                   "in_city_since": "1998-08-01"},
                 affiliation={k: PUBLIC_UNIT_CODE for k in (
                     "personnel_file_unit_credit_code", "labour_contract_unit_credit_code",
                     "social_insurance_unit_credit_code")})
    app = change_in(app, "unit", unit_id="u-kq-szgl", name="绍兴市柯桥区市政工程管理中心",
                    credit_code=PUBLIC_UNIT_CODE, area="keqiao", kind="public_institution")
    return with_attachments(app, attachment("post_table"))


def new_id() -> str:
    return str(uuid.uuid4())
