"""Strict input (issue 19): invisible and bidirectional characters refused in names, ids and codes
(the middle dot and CJK extension characters kept), non-ASCII ID numbers refused before anything
hashes them, free-form batch fields bounded in depth and size, numbers and booleans typed per field,
duplicate JSON keys refused by the request decoder on every route of every service."""
import json

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import given, settings, strategies as st
from pydantic import BaseModel, ValidationError

from plumbing.edges.http import install_error_handlers
from plumbing.edges.inputs import FREE_FORM_MAX_DEPTH, STRICT, Code, StrictBool, Text
from plumbing.edges.json_body import StrictJsonRoute, loads_strict
from services.intake.adapters.requests import SubmitRequest
from services.review.adapters.api_cases import BatchItem
from services.review.adapters.api_views import EntryReview, NewEntry
from tests.fixtures.builders import ID_NUMBER

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d",
             "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff", "\u00ad", "\u2060", "\ue000"]
NON_ASCII_IDS = ["33060219650312123\u200b", "33060219650312123\u200e", "33060219650312123三",
                 "33060219650312123é", "\u0663\u0663\u0660\u0666\u0660\u0662196503121235"]
# Names as the census writes them: Han (CJK extension B included, 𠮷), 少数民族 names with the
# middle dot, Latin letters.
NAME_CHARS = st.sampled_from(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
                             + ["𠮷", "𪚥", "𫗧", "·", "A", "b"])


class Sample(BaseModel):
    model_config = STRICT
    name: Text = "x"
    code: Code = "x"
    flag: StrictBool = False


@settings(max_examples=80, deadline=None)
@given(st.lists(NAME_CHARS, min_size=1, max_size=12).map("".join))
def test_names_of_han_characters_with_the_middle_dot_and_extension_characters_are_valid(name):
    assert Sample(name=name, code=name).name == name


@settings(max_examples=80, deadline=None)
@given(st.lists(NAME_CHARS, min_size=0, max_size=6).map("".join), st.sampled_from(INVISIBLE),
       st.lists(NAME_CHARS, min_size=0, max_size=6).map("".join), st.sampled_from(["name", "code"]))
def test_an_invisible_or_bidirectional_character_anywhere_in_a_name_or_code_is_refused(before, mark, after, field):
    with pytest.raises(ValidationError):
        Sample(**{field: before + mark + after})


def _filing(id_number: str) -> dict:
    return {"applicant": {"name": "张三", "id_number": id_number, "phone": "13800000000"}}


@pytest.mark.parametrize("id_number", NON_ASCII_IDS)
def test_an_id_number_with_anything_but_ascii_left_after_nfkc_is_refused_at_the_door(id_number):
    with pytest.raises(ValidationError) as refused:
        SubmitRequest.model_validate(_filing(id_number))
    assert "applicant.id_number" in {".".join(map(str, e["loc"])) for e in refused.value.errors()}


def test_a_full_width_id_number_is_still_the_same_number():
    full_width = ID_NUMBER.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    with pytest.raises(ValidationError) as refused:
        SubmitRequest.model_validate(_filing(full_width))
    assert "applicant.id_number" not in {".".join(map(str, e["loc"])) for e in refused.value.errors()}


def _nested(depth: int):
    value: object = "x"
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize("depth", [FREE_FORM_MAX_DEPTH + 1, 256, 5000])
def test_a_batch_items_field_nested_deeper_than_the_bound_is_refused(depth):
    with pytest.raises(ValidationError):
        BatchItem.model_validate({"application_id": "7b0f6c7e-58a5-4d07-9a52-3d6f0f3c9a11",
                                  "fields": {"opinion": _nested(depth)}})


def test_a_batch_items_fields_larger_than_the_bound_are_refused_and_a_usual_one_passes():
    item = {"application_id": "7b0f6c7e-58a5-4d07-9a52-3d6f0f3c9a11"}
    with pytest.raises(ValidationError):
        BatchItem.model_validate({**item, "fields": {"opinion": "意" * 20_000}})
    assert BatchItem.model_validate({**item, "fields": {"opinion": "同意", "sections": ["a", "b"]}})


@pytest.mark.parametrize("value", ["32", 32.0, "2020"])
def test_a_number_in_a_string_or_a_float_is_not_an_integer(value):
    with pytest.raises(ValidationError) as refused:
        SubmitRequest.model_validate({**_filing(ID_NUMBER), "assessments": [{"year": value, "result": "合格"}]})
    assert "assessments.0.year" in {".".join(map(str, e["loc"])) for e in refused.value.errors()}


@pytest.mark.parametrize("value", ["true", 1, "1", "yes"])
def test_only_true_and_false_are_booleans(value):
    with pytest.raises(ValidationError):
        EntryReview.model_validate({"approve": value})
    assert EntryReview.model_validate({"approve": True}).approve is True


def test_iso_dates_stay_valid_under_strict_numbers():
    entry = NewEntry.model_validate({"unit_id": "u-1", "title": "某大桥", "achieved_on": "2019-05-01"})
    assert entry.achieved_on.isoformat() == "2019-05-01"


def test_the_decoder_refuses_a_key_given_twice_at_any_depth():
    assert loads_strict('{"a": {"b": 1}, "c": [{"d": 2}]}') == {"a": {"b": 1}, "c": [{"d": 2}]}
    for doc in ['{"a": 1, "a": 2}', '{"x": {"b": 1, "b": 1}}', '[{"k": true, "k": false}]']:
        with pytest.raises(json.JSONDecodeError):
            loads_strict(doc)


def test_a_duplicate_key_is_a_bilingual_422_from_a_strict_route():
    app = FastAPI()
    app.router.route_class = StrictJsonRoute
    install_error_handlers(app)

    @app.post("/x")
    async def x(body: EntryReview) -> dict:
        return {"approve": body.approve}

    client = TestClient(app)
    ok = client.post("/x", content=b'{"approve": true}', headers={"Content-Type": "application/json"})
    assert ok.status_code == 200
    refused = client.post("/x", content=b'{"approve": true, "approve": false}',
                          headers={"Content-Type": "application/json"})
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] and body["message_zh"] and body["message_en"]
    assert "approve" in json.dumps(body)


@pytest.mark.parametrize("service", ["intake", "eligibility", "review", "notify"])
def test_every_route_of_every_service_decodes_with_the_strict_decoder(service, monkeypatch):
    monkeypatch.setenv("ZC_DEV_MODE", "1")
    module = __import__(f"services.{service}.bootstrap", fromlist=["create_app"])
    app = module.create_app()

    def routes(router) -> list:
        # FastAPI keeps an included router as one entry (`original_router`) and serves its own routes
        found = []
        for route in router.routes:
            inner = getattr(route, "original_router", None)
            found += routes(inner) if inner is not None else [route] if isinstance(route, APIRoute) else []
        return found

    every = routes(app.router)
    assert len(every) >= 5 and all(isinstance(r, StrictJsonRoute) for r in every), \
        [r.path for r in every if not isinstance(r, StrictJsonRoute)]
