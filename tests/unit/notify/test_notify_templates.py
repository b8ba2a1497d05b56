import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.personal_data import contains_full_id, redact
from services.notify.domain.routing import ROUTED_EVENT_TYPES
from services.notify.domain.templates import TemplateError, load_catalogue
from services.notify.templates import read_catalogue_text
from notify_samples import SAMPLES

SHIPPED = load_catalogue(read_catalogue_text("zj-sx-2020-zgj"))
MOBILE = re.compile(r"1[3-9]\d{9}")


def minimal(templates: dict, **extra) -> dict:
    return {"plan_id": "p", "locale": "zh-CN", "signature": "【12333】", "templates": templates, **extra}


@pytest.mark.parametrize("template", sorted(SHIPPED.templates))
def test_every_shipped_template_renders_short_in_the_12333_style(template, sample_fields):
    text = SHIPPED.render(template, sample_fields)
    assert text.startswith("【12333】")
    assert "2020年度正高工评审" in text  # names the plan
    assert len(text) <= SHIPPED.max_chars
    assert not contains_full_id(text)
    assert not MOBILE.search(text)  # a phone number appears masked or not at all
    assert "{" not in text and "}" not in text


def test_an_id_number_typed_into_a_reason_is_masked(sample_fields):
    text = SHIPPED.render("application_returned", {**sample_fields, "reason": "身份证号33060219800101123X填写有误"})
    assert "330602********123X" in text
    assert not contains_full_id(text)


def test_the_unit_operator_sees_the_number_masked(sample_fields):
    text = SHIPPED.render("unit_authorized", {**sample_fields, "phone_masked": "13812345678"})
    assert "138****5678" in text and "13812345678" not in text


def test_a_long_reason_is_shortened_to_fit_one_long_sms(sample_fields):
    text = SHIPPED.render("not_passed", {**sample_fields, "reason": "材料不全。" * 60})
    assert len(text) <= SHIPPED.max_chars
    assert "…" in text and text.endswith("如有疑问请咨询0575-85224188。")


def test_step_codes_are_shown_as_chinese_step_names(sample_fields):
    assert "建设主管部门审核" in SHIPPED.render("not_passed", sample_fields)


def test_an_empty_reason_falls_back_to_the_catalogue_default(sample_fields):
    assert "原因：详见平台审核意见" in SHIPPED.render("interview_failed", {**sample_fields, "reason": ""})


def test_every_template_routing_can_ask_for_is_in_the_catalogue():
    assert {template for _, template in SAMPLES.values()} <= set(SHIPPED.templates)
    assert set(SAMPLES) | {"ClosedOverdue"} == ROUTED_EVENT_TYPES  # ClosedOverdue: two messages, its own test
    assert {"closed_overdue", "closed_overdue_unit", "objection_dismissed"} <= set(SHIPPED.templates)
    for level in ("unit", "construction_authority", "hr_bureau", "city_hr_bureau"):
        assert f"passed_{level}" in SHIPPED.templates


@pytest.mark.parametrize("bad", ["{nmae}您好", "{0}您好", "{name.upper}您好", "{name!r}您好", "{name:>10}您好", "{name"])
def test_a_catalogue_with_an_unknown_or_unsafe_placeholder_is_refused_at_load(bad):
    with pytest.raises(TemplateError):
        load_catalogue(minimal({"t": bad}))


def test_defaults_for_unknown_fields_are_refused():
    with pytest.raises(TemplateError):
        load_catalogue(minimal({"t": "{name}"}, defaults={"nmae": "x"}))


def test_rendering_without_a_needed_field_says_which():
    cat = load_catalogue(minimal({"t": "{name}您好，{plan}"}))
    with pytest.raises(TemplateError, match="plan"):
        cat.render("t", {"name": "张三"})


def test_a_catalogue_missing_its_templates_is_refused():
    with pytest.raises(TemplateError):
        load_catalogue({"plan_id": "p", "locale": "zh-CN"})


id_numbers = st.from_regex(r"\A[1-8]\d{16}[\dX]\Z")
surrounding = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


@given(before=surrounding, number=id_numbers, after=surrounding)
def test_redact_never_lets_a_full_id_number_through(before, number, after):
    assert not contains_full_id(redact(before + number + after))


@given(st.text(alphabet="0123456789X１２３ Ｘ", max_size=60))
def test_redact_leaves_no_full_id_in_any_digit_soup(text):
    assert not contains_full_id(redact(text))


def test_a_message_is_the_templates_code_and_its_parameters_and_they_make_the_text_kept(sample_fields):
    rendered = SHIPPED.message("not_passed", {**sample_fields, "reason": "材料不全。" * 60})
    assert rendered.code == "ZC_SX2020_NOT_PASSED" and set(rendered.params) == SHIPPED.fields_of("not_passed")
    assert rendered.params["reason"].endswith("…")  # shortened in the parameter the platform gets, too
    body = SHIPPED.templates["not_passed"].format(**rendered.params)
    assert rendered.text == SHIPPED.signature + body and SHIPPED.sign_name == "12333"


def test_parameters_never_carry_a_full_id_number(sample_fields):
    rendered = SHIPPED.message("application_returned", {**sample_fields, "reason": "身份证号33060219800101123X有误"})
    assert not any(contains_full_id(v) for v in rendered.params.values())


def test_every_shipped_template_has_a_code_and_the_file_says_texts_and_codes_are_operator_data():
    import json

    raw = json.loads(read_catalogue_text("zj-sx-2020-zgj"))
    assert "待运营方确认" in raw["_operator_data"]
    assert all(SHIPPED.code_of(t) != t and SHIPPED.code_of(t) for t in SHIPPED.templates)
    with pytest.raises(TemplateError):
        load_catalogue(minimal({"t": {"code": " ", "text": "{name}"}}))


def test_the_operators_file_of_template_codes_replaces_the_shipped_placeholders(tmp_path):
    import json

    from services.notify.bootstrap import with_template_codes

    codes = tmp_path / "codes.json"
    codes.write_text(json.dumps({"passed_unit": "SMS_463215879"}))
    catalogue = with_template_codes(SHIPPED, str(codes))
    assert catalogue.code_of("passed_unit") == "SMS_463215879"
    assert catalogue.code_of("not_passed") == SHIPPED.code_of("not_passed")  # the others stay
    codes.write_text(json.dumps({"no_such_template": "SMS_1"}))
    with pytest.raises(SystemExit):
        with_template_codes(SHIPPED, str(codes))
