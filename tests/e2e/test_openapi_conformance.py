"""Schemathesis's conformance checks over every operation of the four running services: whatever
status an answer has is documented for its operation, its content type is the documented one, and
its body matches the documented schema (the success models and the RFC 9457 problems alike)."""
from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from contracts.envelope import Role
from plumbing.edges.auth import issue_service_token
from plumbing.edges.dev_issuer import dev_token, issuer_key
from services.intake.domain.validation import person_ref
from tests.fixtures.builders import ID_NUMBER

EXAMPLES = 3  # per operation: every operation is called, with its errors and its successes
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


def _headers(raw: dict, name: str) -> dict:
    if not raw.get("x-roles"):
        return {}
    role = raw["x-roles"][0]
    if role == Role.SYSTEM:  # a route for the token service alone: its service token
        return {"Authorization": f"Bearer {issue_service_token(issuer_key(), 'tokens')}"}
    ref = person_ref(ID_NUMBER, "dev-only-person-ref-key") if role == Role.APPLICANT else ""
    token = dev_token(role, org="u-sx-jzsj", area="city", name=f"conformance {name}", person_ref=ref)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("service", ["intake", "eligibility", "review", "notify"])
def test_every_answer_of_every_operation_conforms_to_the_document(stack, service):
    base = stack.url(service)
    schema = schemathesis.openapi.from_dict(httpx.get(base + "/openapi.json", timeout=30).json())
    failures, statuses = [], set()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        name = f"{operation.method.upper()} {operation.path}"
        headers = _headers(operation.definition.raw, name)

        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case):
            answer = case.call(base_url=base, headers=headers, timeout=30)
            statuses.add((name, answer.status_code))
            try:
                case.validate_response(answer, checks=CHECKS)
            except Exception as failure:  # noqa: BLE001 - collect them all, report at the end
                failures.append((name, answer.status_code, str(failure)[:600]))

        call()
    assert not failures, failures
    # Every operation was called, and some answered with success: the success schemas were checked too.
    assert {n for n, _ in statuses} == {f"{o.method.upper()} {o.path}" for o in operations}
    assert any(200 <= s < 300 for _, s in statuses if not s == 503), statuses
