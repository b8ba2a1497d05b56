"""Every field of a 422 carries a Chinese sentence beside pydantic's English one."""
from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plumbing.edges.field_errors import BY_TYPE, GENERIC_ZH, message_zh
from plumbing.edges.http import install_error_handlers
from plumbing.edges.inputs import Text


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Text = Field(max_length=5)
    hours: int = Field(ge=0, le=2000)
    tags: list[str] = Field(default_factory=list, max_length=2)
    when: date | None = None


def _errors(data: dict) -> list[dict]:
    with pytest.raises(ValidationError) as caught:
        Body.model_validate(data)
    return caught.value.errors()


def test_each_failure_at_the_door_is_said_in_chinese_with_its_limit():
    errors = {e["type"]: message_zh(e) for e in _errors(
        {"title": "一二三四五六", "hours": 2001, "tags": ["a", "b", "c"], "when": "soon", "titel": "typo"})}
    assert errors == {"string_too_long": "内容过长（最多5个字符）", "less_than_equal": "应不大于2000",
                      "too_long": "项目过多（最多2项）", "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
                      "extra_forbidden": "不接受此字段（请检查字段名拼写）"}


def test_our_own_validators_and_unknown_types_still_get_a_chinese_sentence():
    [control] = _errors({"title": "a\x00b", "hours": 1})
    assert message_zh(control) == "不允许包含控制字符"
    assert message_zh({"type": "something_new", "msg": "?"}) == GENERIC_ZH
    assert message_zh({"type": "string_too_long", "msg": "?"}) == "内容过长"  # no ctx: no limit to show
    assert all("{" not in message_zh({"type": t, "msg": "", "ctx": {}}) for t in BY_TYPE)


def test_a_422_body_lists_each_field_in_both_languages():
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/x")
    def take(body: Body) -> dict:
        return {}

    response = TestClient(app).post("/x", json={"title": "ok", "hours": -1, "extra": 1})
    assert response.status_code == 422
    details = {d["field"]: d for d in response.json()["details"]}
    assert details["hours"]["message_zh"] == "应不小于0" and details["hours"]["message_en"]
    assert details["extra"]["code"] == "extra_forbidden" and details["extra"]["message_zh"]
