"""Schemathesis over each running service's OpenAPI, with valid tokens of the roles each operation
admits: positive data (what the schema allows) and negative data (what it does not), at least
EXAMPLES per operation. Whatever is sent, no answer is a 5xx, and every 4xx carries the bilingual
body (`code`, `message_zh`, `message_en`). Beside it, the inputs that were 5xx before (issue 19)
as explicit cases: each a 4xx with the bilingual body.

Time: about a minute and a half for the four services on two cores (EXAMPLES × ~65 operations)."""
from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings, strategies as st
from schemathesis import GenerationMode

from contracts.envelope import Role
from plumbing.edges.auth import issue_service_token
from plumbing.edges.dev_issuer import dev_token, issuer_key
from services.intake.domain.validation import person_ref
from tests.e2e.api import applicant_token, submit_body, token, with_new_id
from tests.fixtures.builders import ID_NUMBER, normal_applicant

EXAMPLES = 50  # per operation, positive and negative data drawn together
WORKERS = 3


def _token(role: str, operation: str) -> dict:
    # A subject per operation: the fuzz is many callers, so rate limits do not hide the handlers.
    if role == Role.SYSTEM:  # a route for the token service alone: its service token
        return {"Authorization": f"Bearer {issue_service_token(issuer_key(), 'tokens')}"}
    ref = person_ref(ID_NUMBER, "dev-only-person-ref-key") if role == Role.APPLICANT else ""
    token = dev_token(role, org="u-sx-jzsj", area="city", name=f"fuzz {operation}", person_ref=ref)
    return {"Authorization": f"Bearer {token}"}


def _bilingual(answer) -> bool:
    try:
        body = answer.json()
    except ValueError:
        return False
    return isinstance(body, dict) and all(isinstance(body.get(k), str) and body[k]
                                          for k in ("code", "message_zh", "message_en"))


def _send(name: str, request: dict, failures: list, calls: dict) -> None:
    """One generated request, in a worker thread; what it found is recorded, not raised."""
    try:
        answer = requests.request(**request, timeout=30)
    except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, UnicodeEncodeError, ValueError):
        return  # negative data that no HTTP client can send (an invalid header or URL)
    calls[name] = calls.get(name, 0) + 1
    if answer.status_code >= 500:
        failures.append((name, answer.status_code, answer.text[:300]))
    elif answer.status_code >= 400 and not _bilingual(answer):
        failures.append((name, answer.status_code, "not bilingual: " + answer.text[:300]))


@pytest.mark.parametrize("service", ["intake", "eligibility", "review", "notify"])
def test_no_generated_request_positive_or_negative_makes_a_service_answer_5xx_and_every_4xx_is_bilingual(
        stack, service):
    base = stack.url(service)
    schema = schemathesis.openapi.from_dict(httpx.get(base + "/openapi.json", timeout=30).json())
    failures, calls, sent = [], {}, []
    # Data is generated here, one operation after another (Hypothesis is not shared between
    # threads); the requests go out from WORKERS threads, so the service works while the next
    # examples are drawn.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for result in schema.get_all_operations():
            operation = result.ok()
            name = f"{operation.method} {operation.path}"
            raw = operation.definition.raw
            # Several callers per operation, taken in turn: the requests in flight at once are never
            # one caller's, so intake's per-principal bound (4) is never what answers.
            callers = [_token(raw["x-roles"][0], f"{name} #{i}") if raw.get("x-roles") else {}
                       for i in range(2 * WORKERS)]
            either = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                               operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

            @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            @given(case=either)
            def call(case):
                try:
                    request = case.as_transport_kwargs(base_url=base, headers=callers[len(sent) % len(callers)])
                except (UnicodeEncodeError, ValueError):
                    return  # negative data that cannot be put on the wire at all
                sent.append(pool.submit(_send, name, request, failures, calls))

            call()
        for done in sent:
            done.result()
    assert not failures, failures
    assert calls and sum(calls.values()) >= len(calls) * 10, calls  # the fuzz did call every operation


# --- The inputs that were 5xx (issue 19), each a 4xx with the bilingual body --------------------

NON_ASCII_ID_NUMBERS = {
    "zero-width space": ID_NUMBER[:-1] + "\u200b",
    "left-to-right mark": ID_NUMBER[:-1] + "\u200e",
    "a Han numeral": ID_NUMBER[:-1] + "三",
    "a Latin letter with an accent": ID_NUMBER[:-1] + "é",
    "Arabic-Indic digits": "".join(chr(0x0660 + int(d)) if d.isdigit() else d for d in ID_NUMBER),
}


def _assert_refused(answer: httpx.Response, status: int = 422) -> dict:
    assert answer.status_code == status, answer.text
    assert _bilingual(answer), answer.text
    return answer.json()


@pytest.mark.parametrize("kind", sorted(NON_ASCII_ID_NUMBERS))
@pytest.mark.parametrize("route", ["submit", "resubmit"])
async def test_an_id_number_with_a_non_ascii_character_nfkc_keeps_is_a_bilingual_422(stack, kind, route):
    app = with_new_id(normal_applicant())
    body = submit_body(app, ID_NUMBER)
    body["applicant"]["id_number"] = NON_ASCII_ID_NUMBERS[kind]
    path = "/applications" if route == "submit" else f"/applications/{app.application_id}/resubmissions"
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(stack.url("intake") + path, json=body, headers=applicant_token(ID_NUMBER))
    refused = _assert_refused(answer)
    assert "applicant.id_number" in {d["field"] for d in refused["details"]}


@pytest.mark.parametrize("mark", ["\u200b", "\u200e", "\u202e", "\u2066", "\ufeff"])
async def test_an_invisible_or_bidirectional_character_in_a_name_is_a_bilingual_422(stack, mark):
    body = submit_body(with_new_id(normal_applicant()), ID_NUMBER, name=f"王{mark}建国")
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(stack.url("intake") + "/applications", json=body, headers=applicant_token(ID_NUMBER))
    assert "applicant.name" in {d["field"] for d in _assert_refused(answer)["details"]}


def _nested(depth: int) -> object:
    value: object = "同意"
    for _ in range(depth):
        value = {"x": value}
    return value


async def test_a_batch_items_field_nested_256_deep_is_a_bilingual_422(stack):
    unit = token(Role.UNIT, org="u-sx-jzsj", area="city", user="fuzz nested batch")
    batch = {"decision": "unit-pass", "items": [{"application_id": str(uuid.uuid4()),
                                                  "fields": {"opinion": _nested(256)}}]}
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(stack.url("review") + "/cases/batch", json=batch, headers=unit)
    _assert_refused(answer)


async def test_a_number_sent_as_a_string_is_a_bilingual_422(stack):
    body = submit_body(with_new_id(normal_applicant()), ID_NUMBER)
    body["professional_years"] = "32"
    body["assessments"][0]["year"] = str(body["assessments"][0]["year"])
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(stack.url("intake") + "/applications", json=body, headers=applicant_token(ID_NUMBER))
    fields = {d["field"] for d in _assert_refused(answer)["details"]}
    assert {"professional_years", "assessments.0.year"} <= fields


async def test_a_key_given_twice_is_a_bilingual_422(stack):
    unit = token(Role.UNIT, org="u-sx-jzsj", area="city", user="fuzz duplicate keys")
    doc = '{"approve": true, "text": "a", "approve": false}'
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(stack.url("review") + "/archive/ach-nonexistent/review", content=doc,
                                   headers={**unit, "Content-Type": "application/json"})
    refused = _assert_refused(answer)
    assert "duplicate key" in json.dumps(refused, ensure_ascii=False)
