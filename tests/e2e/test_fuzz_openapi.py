"""Schemathesis over each running service's OpenAPI, with valid tokens of the roles each operation
admits and a bounded number of examples: whatever is sent, no answer is a 5xx."""
from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from contracts.envelope import Role
from plumbing.edges.dev_issuer import dev_token
from services.intake.domain.validation import person_ref
from tests.fixtures.builders import ID_NUMBER

EXAMPLES = 12  # per operation; the whole fuzz stays within a couple of minutes on two cores


def _token(role: str, operation: str) -> dict:
    # A subject per operation: the fuzz is many callers, so rate limits do not hide the handlers.
    ref = person_ref(ID_NUMBER, "dev-only-person-ref-key") if role == Role.APPLICANT else ""
    token = dev_token(role, org="u-sx-jzsj", area="city", name=f"fuzz {operation}", person_ref=ref)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("service", ["intake", "eligibility", "review", "notify"])
def test_no_generated_request_makes_a_service_answer_5xx(stack, service):
    base = stack.url(service)
    schema = schemathesis.openapi.from_dict(httpx.get(base + "/openapi.json", timeout=30).json())
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        raw = operation.definition.raw
        headers = _token(raw["x-roles"][0], f"{operation.method} {operation.path}") if raw.get("x-roles") else {}

        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case):
            answer = case.call(base_url=base, headers=headers, timeout=30)
            if answer.status_code >= 500:
                failures.append((operation.method, operation.path, answer.status_code, answer.text[:300]))

        call()
    assert not failures, failures
