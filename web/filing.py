"""The filing form in steps, and the intake request it becomes. Which years, specialties and areas
the form asks for comes from the plan; whether the answers are acceptable is intake's to say: at every
step's save the draft goes to intake's door checks (`POST /applications/checks`) and the problems of
that step's fields are shown inline in intake's words. This module only says where a field the API
names lives on the form (which step, which control): presentation, no rule."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from contracts.plan import Plan


@dataclass(frozen=True)
class Field_:
    name: str
    label: str
    type: str = "text"  # text | date | number | select | textarea | checkbox
    required: bool = True
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    autocomplete: str = "off"


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    fields: tuple[Field_, ...] = field(default_factory=tuple)
    kind: str = "fields"  # fields | achievements | documents | confirm


RESULTS = (("优秀", "优秀"), ("良好", "良好"), ("合格", "合格"), ("基本合格", "基本合格"), ("不合格", "不合格"))
UNIT_KINDS = (("state_enterprise", "国有企业"), ("private_enterprise", "民营企业"), ("public_institution", "事业单位"),
              ("government", "机关"))


def steps(plan: Plan) -> list[Step]:
    ce = plan.continuing_education
    return [
        Step(1, "申报人信息", (
            Field_("name", "姓名", autocomplete="name"),
            Field_("id_number", "身份证号码", hint="18位，仅用于核验身份，不会显示给他人"),
            Field_("phone", "手机号码", hint="审核结果将以短信通知", autocomplete="tel"))),
        Step(2, "单位与专业", (
            Field_("unit_id", "单位编号", hint="单位在平台登记的编号"),
            Field_("unit_name", "单位名称", autocomplete="organization"),
            Field_("credit_code", "统一社会信用代码"),
            Field_("unit_area", "所在地区", "select", options=tuple((r.area, r.area_zh) for r in plan.receiving_units)),
            Field_("unit_kind", "单位性质", "select", options=UNIT_KINDS),
            Field_("unit_phone", "单位联系电话", required=False),
            Field_("specialty", "申报专业", "select", options=tuple((s, s) for s in plan.reviewable_specialties)),
            Field_("professional_years", "专业工作年限（年）", "number"))),
        Step(3, "资历、考核与继续教育", (
            Field_("senior_qualified_on", "取得高级工程师资格日期", "date"),
            Field_("senior_appointed_on", "聘任高级工程师日期", "date"),
            Field_("engineer_appointed_on", "聘任工程师日期", "date", required=False),
            Field_("letter_title", "现聘任职务（聘书）"),
            Field_("letter_start", "聘期开始日期", "date"),
            Field_("si_since", "在本市缴纳社保起始日期", "date"),
            *(Field_(f"assessment_{y}", f"{y}年度考核结果", "select", options=RESULTS) for y in plan.assessment_years),
            *(f for y in ce.record_years for f in (
                Field_(f"ce_{y}_professional", f"{y}年专业科目学时", "number"),
                Field_(f"ce_{y}_general", f"{y}年一般公需科目学时", "number"),
                Field_(f"ce_{y}_industry", f"{y}年行业公需科目学时", "number"))))),
        Step(4, "代表性业绩与论文", (
            Field_("paper_title", "论文题目", required=False),
            Field_("paper_journal", "发表期刊", required=False),
            Field_("paper_date", "发表日期", "date", required=False)), kind="achievements"),
        Step(5, "上传证件照和附件", kind="documents"),
        Step(6, "个人陈述与承诺", (
            Field_("self_statement", "个人陈述（专业技术工作总结）", "textarea",
                   hint=f"不超过{plan.self_statement_max_chars}字"),
            Field_("pledge", "本人承诺所填信息和上传材料真实、准确、完整", "checkbox")), kind="confirm"),
    ]


def required_documents(plan: Plan) -> list[tuple[str, int | None, str]]:
    """(kind, year, label) of what the normal route uploads: the photo, the CE certificates of the
    plan's certificate years, and the appointment letter."""
    return [("photo", None, "证件照（JPG，白色背景）"),
            *(("ce_certificate", y, f"{y}年度继续教育学时登记证明") for y in plan.continuing_education.certificate_years),
            ("appointment_letter", None, "聘书")]


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def submit_body(plan: Plan, fields: dict, documents: list[dict], application_id: str, now_iso: str) -> dict:
    """The intake request built from the draft's fields and the uploaded documents' refs."""
    f = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    code = f.get("credit_code", "")
    photo = next((d["ref"] for d in documents if d["kind"] == "photo"), None)
    attachments = [{"attachment_id": d["ref"], "kind": d["kind"], **({"year": d["year"]} if d.get("year") else {})}
                   for d in documents if d["kind"] != "photo"]
    ce = plan.continuing_education
    body = {
        "application_id": application_id,
        "applicant": {"name": f.get("name", ""), "id_number": f.get("id_number", ""), "phone": f.get("phone", "")},
        "unit": {"unit_id": f.get("unit_id", ""), "name": f.get("unit_name", ""), "credit_code": code,
                 "area": f.get("unit_area", ""), "kind": f.get("unit_kind", ""),
                 **({"phone": f["unit_phone"]} if f.get("unit_phone") else {})},
        "route": "normal", "specialty": f.get("specialty", ""), "professional_years": _int(f.get("professional_years")),
        "self_statement": f.get("self_statement", ""),
        "assessments": [{"year": y, "result": f.get(f"assessment_{y}", "")} for y in plan.assessment_years],
        "qualifications": {"senior_qualified_on": f.get("senior_qualified_on") or None,
                           "senior_appointed_on": f.get("senior_appointed_on") or None,
                           "engineer_appointed_on": f.get("engineer_appointed_on") or None},
        "continuing_education": [{"year": y, "professional_hours": _int(f.get(f"ce_{y}_professional")),
                                  "general_public_hours": _int(f.get(f"ce_{y}_general")),
                                  "industry_public_hours": _int(f.get(f"ce_{y}_industry"))} for y in ce.record_years],
        "social_insurance": {"paying_unit_credit_code": code, "in_city_since": f.get("si_since") or None},
        "affiliation": {"personnel_file_unit_credit_code": code, "labour_contract_unit_credit_code": code,
                        "social_insurance_unit_credit_code": code},
        "appointment_letters": [{"title": f.get("letter_title", ""), "start": f.get("letter_start") or None, "end": None}],
        "achievements": [{"entry_id": e["entry_id"], "title": e["title"], "achieved_on": e["achieved_on"],
                          "approved_by_unit": True} for e in f.get("achievements", [])],
        "papers": ([{"title": f["paper_title"], "journal": f.get("paper_journal", ""), "published_on": f.get("paper_date") or None}]
                   if f.get("paper_title") else []),
        "attachments": attachments,
        "photo_ref": photo,
    }
    if f.get("pledge"):
        body["pledge_signed_at"] = now_iso
    return body


def fields_from_application(plan: Plan, application: dict) -> dict:
    """The form's fields from an application as filed (after a return, the correction starts from
    it). The applicant's name, ID number and phone are not in the filing event: they are typed again."""
    a = application
    unit, q = a.get("unit") or {}, a.get("qualifications") or {}
    letters = a.get("appointment_letters") or [{}]
    fields = {"unit_id": unit.get("unit_id", ""), "unit_name": unit.get("name", ""), "credit_code": unit.get("credit_code", ""),
              "unit_area": unit.get("area", ""), "unit_kind": unit.get("kind", ""), "unit_phone": unit.get("phone") or "",
              "specialty": a.get("specialty", ""), "professional_years": str(a.get("professional_years") or ""),
              "senior_qualified_on": q.get("senior_qualified_on") or "", "senior_appointed_on": q.get("senior_appointed_on") or "",
              "engineer_appointed_on": q.get("engineer_appointed_on") or "", "letter_title": letters[-1].get("title", ""),
              "letter_start": letters[-1].get("start") or "",
              "si_since": (a.get("social_insurance") or {}).get("in_city_since") or "",
              "self_statement": a.get("self_statement", ""),
              "achievements": [{"entry_id": e["entry_id"], "title": e["title"], "achieved_on": e["achieved_on"]}
                               for e in a.get("achievements") or []]}
    for item in a.get("assessments") or []:
        fields[f"assessment_{item['year']}"] = item.get("result", "")
    for item in a.get("continuing_education") or []:
        y = item["year"]
        fields |= {f"ce_{y}_professional": str(item.get("professional_hours", "")),
                   f"ce_{y}_general": str(item.get("general_public_hours", "")),
                   f"ce_{y}_industry": str(item.get("industry_public_hours", ""))}
    if papers := a.get("papers"):
        fields |= {"paper_title": papers[0].get("title", ""), "paper_journal": papers[0].get("journal", ""),
                   "paper_date": papers[0].get("published_on") or ""}
    return fields


# Where each part of the filing is typed: the API's field path (its first segment) → the form's step.
STEP_OF_PART = {"applicant": 1, "unit": 2, "specialty": 2, "professional_years": 2, "category": 2, "route": 2,
                "qualifications": 3, "assessments": 3, "continuing_education": 3, "appointment_letters": 3,
                "social_insurance": 3, "affiliation": 3, "achievements": 4, "papers": 4, "photo": 5,
                "photo_ref": 5, "attachments": 5, "self_statement": 6, "pledge_signed_at": 6}
# A problem whose cause is typed on a later step than its field (the years are checked against the dates);
# and eligibility's rules (no field), on the step where what they judge is typed. The rules about
# uploads are not listed: intake's door names the same missing files on the uploads step.
STEP_OF_CODE = {"PROFESSIONAL_YEARS_CONTRADICTED": 3, "SPECIALTY_REVIEWABLE": 2, "CE_HOURS": 3, "CE_RECORDS": 3,
                "ANNUAL_ASSESSMENTS": 3, "APPOINTMENT_LETTERS": 3, "APPOINTMENT_IN_POST": 3, "SOCIAL_INSURANCE": 3,
                "AFFILIATION": 3, "FRAUD_BAN": 4}


def rule_problems(preview: dict) -> list[dict]:
    """Eligibility's failed rules on the draft (its preview), as problems of the steps they judge."""
    return [{"field": "", "code": r["code"], "message_zh": r["message_zh"], "message_en": r["message_en"],
             "source": "eligibility"} for r in preview.get("rules", []) if not r["passed"] and r["code"] in STEP_OF_CODE]
CONTROLS = {"applicant.name": "name", "applicant.id_number": "id_number", "applicant.phone": "phone",
            "unit.unit_id": "unit_id", "unit.name": "unit_name", "unit.credit_code": "credit_code",
            "unit.area": "unit_area", "unit.kind": "unit_kind", "unit.phone": "unit_phone", "specialty": "specialty",
            "professional_years": "professional_years", "qualifications.senior_qualified_on": "senior_qualified_on",
            "qualifications.senior_appointed_on": "senior_appointed_on",
            "qualifications.engineer_appointed_on": "engineer_appointed_on",
            "appointment_letters.0.title": "letter_title", "appointment_letters.0.start": "letter_start",
            "social_insurance.in_city_since": "si_since", "papers.0.title": "paper_title",
            "papers.0.journal": "paper_journal", "papers.0.published_on": "paper_date",
            "self_statement": "self_statement", "pledge_signed_at": "pledge"}


def _part(field: str) -> str:
    return re.split(r"[.\[]", field, maxsplit=1)[0]


def step_of(problem: dict) -> int:
    """The step whose answers a problem is about (the last step for one about the whole filing)."""
    return STEP_OF_CODE.get(problem.get("code", "")) or STEP_OF_PART.get(_part(problem.get("field", "")), 6)


def control_of(plan: Plan, field: str) -> str | None:
    """The form control a problem's field is typed in, if it is one control."""
    if field in CONTROLS:
        return CONTROLS[field]
    if m := re.fullmatch(r"assessments\.(\d+)\.result", field):
        years = plan.assessment_years
        return f"assessment_{years[int(m[1])]}" if int(m[1]) < len(years) else None
    if m := re.fullmatch(r"continuing_education\.(\d+)\.(professional|general_public|industry_public)_hours", field):
        years = plan.continuing_education.record_years
        kind = {"professional": "professional", "general_public": "general", "industry_public": "industry"}[m[2]]
        return f"ce_{years[int(m[1])]}_{kind}" if int(m[1]) < len(years) else None
    return None


def checks_of_step(plan: Plan, problems: list[dict], number: int) -> list[dict]:
    """The door's problems that apply to this step, each with an id and the control it describes."""
    shown = [p for p in problems if step_of(p) == number]
    return [{**p, "id": f"check-{i}", "control": control_of(plan, p.get("field", ""))} for i, p in enumerate(shown, 1)]
