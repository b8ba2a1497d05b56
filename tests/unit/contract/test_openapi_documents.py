"""The four services' OpenAPI documents, walked: every operation has an explicit operation id, a
typed answer with an example, and its errors documented as RFC 9457 problems. Built from the apps
themselves (no server, no database): the documents are what /openapi.json serves."""
from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from fastapi.utils import generate_unique_id

from services.eligibility.bootstrap import create_app as eligibility
from services.intake.bootstrap import create_app as intake
from services.notify.bootstrap import create_app as notify
from services.review.bootstrap import create_app as review

APPS = {"intake": intake, "eligibility": eligibility, "review": review, "notify": notify}
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module", params=list(APPS))
def app(request):
    return APPS[request.param]()


def _operations(doc: dict):
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def _schema(doc: dict, schema: dict) -> dict:
    ref = schema.get("$ref")
    return doc["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


def _typed(doc: dict, schema: dict) -> bool:
    """Not `{}` and not a free-form object: a model with properties, a list of typed items, or a
    non-object type (a file, a text)."""
    schema = _schema(doc, schema)
    if not schema:
        return False
    if schema.get("type") == "array":
        return _typed(doc, schema.get("items", {}))
    if schema.get("type") == "object" or "properties" in schema:
        return bool(schema.get("properties"))
    return "type" in schema or "anyOf" in schema


def test_every_operation_id_is_chosen_not_generated_by_the_framework(app):
    doc = app.openapi()
    generated = {generate_unique_id(r) for r in app.routes if isinstance(r, APIRoute)}
    ids = [op.get("operationId") for _, op in _operations(doc)]
    bad = [i for i in ids if i is None or i in generated or "_" in i]
    assert not bad, bad
    assert len(ids) == len(set(ids)), "operation ids are unique"


def test_every_success_answer_is_typed_and_has_an_example(app):
    doc = app.openapi()
    missing = []
    for name, operation in _operations(doc):
        ok = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        if not ok:
            missing.append((name, "no 2xx"))
        for status, response in ok.items():
            if not response.get("content"):
                missing.append((name, status, "no content"))
            for media_type, media in response.get("content", {}).items():
                if "example" not in media and "examples" not in media:
                    missing.append((name, status, media_type, "no example"))
                if not _typed(doc, media.get("schema", {})):
                    missing.append((name, status, media_type, "untyped", media.get("schema")))
    assert not missing, missing


def test_every_error_is_documented_as_a_problem_with_the_bilingual_members(app):
    doc = app.openapi()
    problem = doc["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code", "message_zh", "message_en", "details"} <= set(
        problem["required"])
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    wrong = []
    for name, operation in _operations(doc):
        errors = {s: r for s, r in operation["responses"].items() if s[0] in "45"}
        if "422" not in errors or "413" not in errors:
            wrong.append((name, "422/413 undocumented"))
        if operation.get("security") and not {"401", "403", "429"} <= set(errors):
            wrong.append((name, "401/403/429 undocumented"))
        for status, response in errors.items():
            media = response.get("content", {})
            if list(media) != [PROBLEM] or "example" not in media[PROBLEM]:
                wrong.append((name, status, list(media)))
            elif media[PROBLEM]["example"]["status"] != int(status):
                wrong.append((name, status, "example's status differs"))
    assert not wrong, wrong


def test_decisions_document_the_version_precondition_and_the_etag(app):
    doc = app.openapi()
    decisions = [(n, op) for n, op in _operations(doc) if n.startswith("POST /cases/{application_id}/")]
    if app.title != "zhicheng review":
        assert not decisions
        return
    assert len(decisions) == 16
    for name, operation in decisions:
        assert "412" in operation["responses"], name
        assert "ETag" in operation["responses"]["200"]["headers"], name
