"""Every decision form of the unit's pages becomes a body review's route accepts (its typed model),
so a renamed field on either side fails here, not in front of a unit."""
from __future__ import annotations

import pytest

from services.review.adapters.decision_bodies import BODIES
from web.pages_unit import DECISIONS

FORM = {"opinion": "材料真实完整，同意推荐", "reason": "2019年度行业公需科目学时不足", "section": "ce_certificates",
        "section_reason": "补充2019年度继续教育证明", "starts_on": "2020-08-10", "summary": "有群众反映署名顺序有误",
        "upheld": "no", "finding": "经核实异议不成立", "result": "公示期满无异议"}


@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_the_units_form_for_each_decision_makes_a_body_reviews_route_accepts(decision):
    body = DECISIONS[decision](FORM)
    BODIES[decision].model_validate(body)


def test_an_objection_is_upheld_only_when_the_form_says_so():
    assert DECISIONS["objection-resolve"]({**FORM, "upheld": "yes"})["upheld"] is True
    assert DECISIONS["objection-resolve"]({**FORM, "upheld": "no"})["upheld"] is False
