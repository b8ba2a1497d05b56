"""The demo's people: three units in three areas and seven applicants, one per story worth telling."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from stdnum.cn import ric

from contracts.application import Application
from zc import samples

CITY_UNIT = {"unit_id": "u-sx-jzsj", "name": "绍兴市建筑设计研究院有限公司", "credit_code": samples.UNIT_CODE,
             "area": "city", "kind": "state_enterprise", "phone": "13905750001"}
KEQIAO_UNIT = {"unit_id": "u-kq-szgl", "name": "绍兴市柯桥区市政工程管理中心", "credit_code": samples.PUBLIC_UNIT_CODE,
               "area": "keqiao", "kind": "public_institution", "phone": "13905750002"}
ZHUJI_UNIT = {"unit_id": "u-zj-jgjt", "name": "诸暨建工集团有限公司", "credit_code": "91330681MA2D8K3L0B",
              "area": "zhuji", "kind": "private_enterprise", "phone": "13905750003"}
SHANGYU_UNIT = {"unit_id": "u-sy-szjs", "name": "上虞市政建设有限公司", "credit_code": "91330604MA2BX7Q51C",
                "area": "shangyu", "kind": "state_enterprise", "phone": "13905750004"}
UNITS = [CITY_UNIT, KEQIAO_UNIT, ZHUJI_UNIT, SHANGYU_UNIT]


def id_number(birth: str, serial: str) -> str:
    first17 = f"330602{birth}{serial}"
    return first17 + ric.calc_check_digit(first17 + "0")


@dataclass
class Person:
    name: str
    story: str
    id_number: str
    phone: str
    application: Application
    fix: dict | None = None  # what the applicant corrects after a return


def _at(app: Application, unit: dict, name: str, phone: str) -> Application:
    code = unit["credit_code"]
    app = samples.change_in(app, "unit", **unit)
    app = samples.change(app, application_id=str(uuid.uuid4()),
                         social_insurance={**app.model_dump(mode="json")["social_insurance"],
                                           "paying_unit_credit_code": code},
                         affiliation={k: code for k in ("personnel_file_unit_credit_code",
                                                        "labour_contract_unit_credit_code",
                                                        "social_insurance_unit_credit_code")})
    return samples.change_in(app, "applicant", name=name, phone=phone)


def _ce_short(app: Application) -> Application:
    hours = app.model_dump(mode="json")["continuing_education"]
    hours[-1] = {**hours[-1], "industry_public_hours": 10, "professional_hours": 66}
    return samples.change(app, continuing_education=hours)


def people() -> list[Person]:
    normal, pi = samples.normal_applicant(), samples.public_institution_applicant()
    short = _ce_short(normal)
    fraud = samples.change(normal, papers=[{"title": "智慧工地管理探讨", "journal": "建筑学研究前沿（中文版）",
                                            "published_on": "2019-11-01"}])
    cast = [
        ("王建国", "正常申报，材料齐全；公示期间有人提出异议，单位核实不成立并登记后才报送", normal, CITY_UNIT, "19650312", "123", "13805710001"),
        ("李秀英", "转评（副教授转高工），需面试", samples.transfer_applicant(), ZHUJI_UNIT, "19700521", "242", "13805710002"),
        ("张伟", "标志性业绩申报，面试未通过", samples.landmark_applicant(), ZHUJI_UNIT, "19680815", "331", "13805710003"),
        ("刘洋", "技能人才（中华技能大奖），按附件1以“正常申报”提交，花名册按技能人才类别排列",
         samples.change(samples.skill_talent_applicant(), route="normal"), CITY_UNIT, "19720103", "115", "13805710004"),
        ("陈静", "2019年行业公需学时不足，被退回后补足重报", short, CITY_UNIT, "19660909", "228", "13805710005"),
        ("赵磊", "论文发表在冒名期刊，资格审查不通过", fraud, CITY_UNIT, "19690414", "417", "13805710006"),
        ("孙丽", "事业单位在编人员，上传岗位信息表；人力社保部门临近9月19日仍未审核，其值班手机（运营方用zc notify contact配置）收到催办后审核推荐", pi, KEQIAO_UNIT, "19710707", "526", "13805710007"),
        ("周强", "单位未在截止日前审核：收到催办提醒；截止后系统按“逾期未审核”关闭，短信告知本人和单位", normal, SHANGYU_UNIT, "19670228", "634", "13805710008"),
    ]
    fixed_hours = {"continuing_education": normal.model_dump(mode="json")["continuing_education"]}
    out = []
    for name, story, app, unit, birth, serial, phone in cast:
        fix = fixed_hours if app is short else None
        out.append(Person(name, story, id_number(birth, serial), phone, _at(app, unit, name, phone), fix))
    return out
