"""Fixtures for notify's unit tests: the shipped plan and template catalogue, typical field values."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from contracts.plan import load_plan
from services.notify.domain.templates import load_catalogue
from services.notify.templates import read_catalogue_text


@pytest.fixture(scope="session")
def plan():
    return load_plan("shaoxing-2020")


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue(read_catalogue_text("zj-sx-2020-zgj"))


@pytest.fixture
def sample_fields() -> dict:
    """Typical values, with a long unit name and committee to press against the length limit."""
    return {
        "name": "欧阳明华", "plan": "2020年度正高工评审", "step": "construction_authority",
        "reason": "继续教育学时不足，2019年度专业科目学时少于60学时", "unit_name": "绍兴市某某建筑设计研究院有限公司",
        "phone_masked": "138****5678", "starts_on": date(2020, 8, 3), "ends_on": date(2020, 8, 7),
        "working_days": 5, "scheduled_at": datetime(2020, 10, 20, 9, 30), "place": "绍兴市人社大楼1318室",
        "amount_yuan": 600, "due_by": datetime(2020, 10, 30, 17, 0), "bureau": "柯桥区人力资源和社会保障局",
        "committee": "浙江省建设工程技术人员正高级工程师职务任职资格评审委员会办公室",
        "deadline": date(2020, 8, 20), "waiting_cases": 3, "days_before": 3, "hotline": "0575-85224188",
        "copies": 4, "deliver_to": "上虞区人力资源和社会保障局职称评审中心（上虞区曹娥街道嘉和路168号，电话82120302）",
    }
