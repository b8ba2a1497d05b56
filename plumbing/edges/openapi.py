"""The HTTP contract as clients read it: an explicit operation id, a typed answer with an example,
and every status an operation can answer, on every operation (tests/unit/test_openapi_contract.py
walks the four documents).

Routes say what they answer with `contract(...)`: the answer's model goes in the document, not in
FastAPI's response validation (the routes build their answers themselves and some return them
through the idempotency table as stored JSON); schemathesis's response-schema check in make test
holds the two together (tests/e2e/test_openapi_conformance.py).
"""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from plumbing.edges.problems import document_problems, errors

JSON = "application/json"


def contract(operation_id: str, model: type[BaseModel] | None = None, *, status: int = 200,
             fails: tuple[int, ...] = (), headers: dict[str, str] | None = None,
             content: dict[str, Any] | None = None, description: str = "", also: tuple[int, ...] = ()) -> dict:
    """Keyword arguments for a route decorator: its operation id, its answer (a model with
    `examples`, or `content` for a file), its own error statuses and the headers of its answer."""
    answer: dict[str, Any] = {"description": description or ("Created" if status == 201 else "OK")}
    if model is not None:
        answer["model"] = model
    if content is not None:
        answer["content"] = content
    if headers:
        answer["headers"] = {name: {"description": text, "schema": {"type": "string"}}
                             for name, text in headers.items()}
    others = {code: {**answer, "description": "OK" if code == 200 else answer["description"]} for code in also}
    return {"operation_id": operation_id, "response_model": None, "status_code": status,
            "responses": {status: answer, **others, **errors(*fails)}}


PAGE_HEADERS = {"Link": 'RFC 8288 links: rel="next" (the following page, when there is one)'}
ETAG_HEADERS = {"ETag": "the stream version the answer shows; send it back as If-Match to decide on it"}


def _copy_examples(schema: dict) -> None:
    """A model's first example, also as the example of each media type that names it (generators and
    the docs read the media type's)."""
    components = schema.get("components", {}).get("schemas", {})
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if len(content) > 1 and content.get(JSON, {}).get("schema") == {}:
                    del content[JSON]  # FastAPI's default beside a route's own media types (a file, text)
                for media in content.values():
                    ref = media.get("schema", {}).get("$ref", "")
                    target = components.get(ref.rsplit("/", 1)[-1], {}) if ref else media.get("schema", {})
                    if "example" not in media and target.get("examples"):
                        media["example"] = target["examples"][0]


def install_contract(app: FastAPI) -> None:
    """Wrap the app's document builder (after the roles are put in it): problems and examples."""
    build = app.openapi

    def openapi() -> dict:
        if getattr(app.state, "contract_documented", False):
            return app.openapi_schema
        schema = document_problems(build())
        _copy_examples(schema)
        app.openapi_schema, app.state.contract_documented = schema, True
        return schema

    app.openapi = openapi
