"""The HTTP trust boundary of the four running services: tokens, not-yours-is-not-found, strict
input and Idempotency-Key scope (ARCHITECTURE.md "Trust boundaries")."""
from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from contracts.envelope import Role
from plumbing.edges.auth import DEV_PERSON_REF_SECRET, DEV_TOKEN_PUBLIC_KEY
from plumbing.edges.dev_issuer import DEV_TOKEN_PRIVATE_KEY
from tests.e2e.api import applicant_token, submit_body, token, with_approved_archive, with_new_id
from tests.fixtures.builders import ID_NUMBER, normal_applicant
from tests.keys import fresh_key_pair, hmac_signed

OTHER_ID = "110101198003070017"
# /metrics answers loopback clients without a token and others only with ZC_METRICS_TOKEN
# (operations issue; tests/ops/test_metrics.py proves both).
PUBLIC = {"/healthz", "/readyz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/metrics"}
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _forged(**claims) -> dict:
    now = datetime.now(UTC)
    base = {"role": "auditor", "sub": "acct-x", "uid": "acct-x", "iat": now, "exp": now + timedelta(hours=1),
            "aud": "zhicheng"}
    base.update(claims)
    key, algorithm = base.pop("key", (DEV_TOKEN_PRIVATE_KEY, "EdDSA"))
    kept = {k: v for k, v in base.items() if v is not None}
    token = jwt.encode(kept, key, algorithm=algorithm) if algorithm == "EdDSA" else hmac_signed(kept, key)
    return {"Authorization": f"Bearer {token}"}


BAD_TOKENS = {
    "none": {},
    "not a bearer": {"Authorization": "Basic YTpi"},
    "garbage": {"Authorization": "Bearer not.a.jwt"},
    "no exp": _forged(exp=None),
    "ten years": _forged(exp=datetime.now(UTC) + timedelta(days=3650)),
    "expired": _forged(iat=datetime.now(UTC) - timedelta(hours=3), exp=datetime.now(UTC) - timedelta(hours=1)),
    "not yet valid": _forged(nbf=datetime.now(UTC) + timedelta(hours=1)),
    "issued in the future": _forged(iat=datetime.now(UTC) + timedelta(hours=1), exp=datetime.now(UTC) + timedelta(hours=2)),
    "no audience": _forged(aud=None),
    "another audience": _forged(aud="another-platform"),
    "system role": _forged(role="system"),
    "no account id": _forged(uid=None),
    "another issuer's key": _forged(key=(fresh_key_pair()[0], "EdDSA")),
    # Everything a service holds, used as a signing key: the public key and the person_ref secret.
    "the public key as an HMAC secret": _forged(key=(DEV_TOKEN_PUBLIC_KEY, "HS256")),
    "the person_ref key": _forged(key=(DEV_PERSON_REF_SECRET, "HS256")),
}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: str(uuid.uuid4()) if "id" in m.group(0) else "x", path)


async def test_no_route_but_the_probes_and_docs_answers_without_a_valid_token(stack):
    async with httpx.AsyncClient(timeout=30) as client:
        for service in ("intake", "eligibility", "review", "notify"):
            spec = (await client.get(stack.url(service) + "/openapi.json")).json()
            for path, operations in spec["paths"].items():
                if path in PUBLIC:
                    assert (await client.get(stack.url(service) + path)).status_code == 200
                    continue
                assert operations and all(op.get("x-roles") for op in operations.values()), (service, path)
                for method in operations:
                    for name, headers in BAD_TOKENS.items():
                        answer = await client.request(method.upper(), stack.url(service) + _concrete(path),
                                                      headers=headers, json={})
                        assert answer.status_code == 401, (service, method, path, name, answer.text)
                        assert answer.json()["code"] == "UNAUTHENTICATED" and answer.json()["message_zh"]


async def _file(client, stack, app, id_number, **headers):
    return await client.post(f"{stack.url('intake')}/applications", json=submit_body(app, id_number),
                             headers={**applicant_token(id_number), **headers})


async def _poll(probe, timeout: float = 45):
    for _ in range(int(timeout / 0.3)):
        if result := await probe():
            return result
        await asyncio.sleep(0.3)
    raise AssertionError("condition not met")


async def _citable(client, stack, id_number: str):
    """A fresh application citing entries of the applicant's approved archive (its unit authorised)."""
    return await with_approved_archive(client, stack, with_new_id(normal_applicant()), id_number, _poll)


@pytest.fixture(scope="module")
async def filed(stack):
    async with httpx.AsyncClient(timeout=30) as client:
        app = await _citable(client, stack, ID_NUMBER)
        answer = await _file(client, stack, app, ID_NUMBER)
        assert answer.status_code == 201, answer.text
    return app


async def test_another_applicants_application_answers_exactly_like_one_that_does_not_exist(stack, filed, eventually):
    other, missing = applicant_token(OTHER_ID), uuid.uuid4()
    async with httpx.AsyncClient(timeout=30) as client:
        intake = stack.url("intake")
        for path, body in ((f"/applications/{{}}", None), (f"/applications/{{}}/withdrawal", {"reason": "不想申报了"})):
            send = (lambda p, b=body: client.post(intake + p, json=b, headers=other)) if body else \
                (lambda p: client.get(intake + p, headers=other))
            theirs, nobodys = await send(path.format(filed.application_id)), await send(path.format(missing))
            assert (theirs.status_code, theirs.json()) == (nobodys.status_code, nobodys.json()) == (404, nobodys.json())
        mine = await eventually(lambda: _ok(client.get(f"{stack.url('eligibility')}/assessments/{filed.application_id}",
                                                       headers=applicant_token(ID_NUMBER))))
        assert mine
        theirs = await client.get(f"{stack.url('eligibility')}/assessments/{filed.application_id}", headers=other)
        nobodys = await client.get(f"{stack.url('eligibility')}/assessments/{missing}", headers=other)
        assert (theirs.status_code, theirs.json()) == (nobodys.status_code, nobodys.json())
        # Filing under an id that is taken answers the same whoever holds it.
        again = filed.model_copy(update={"applicant": filed.applicant})
        own = await _file(client, stack, again, ID_NUMBER)
        foreign = await _file(client, stack, again, OTHER_ID)
        assert (own.status_code, own.json()["code"]) == (foreign.status_code, foreign.json()["code"]) == \
            (409, "APPLICATION_ID_TAKEN")


async def _ok(request):
    answer = await request
    return answer.json() if answer.status_code == 200 else None


async def test_sms_texts_are_read_only_by_the_operator_and_auditors(stack):
    async with httpx.AsyncClient(timeout=30) as client:
        for headers in (applicant_token(ID_NUMBER), token(Role.UNIT, org="u-sx-jzsj", area="city")):
            answer = await client.get(f"{stack.url('notify')}/reminders", headers=headers)
            assert answer.status_code == 403 and answer.json()["code"] == "ROLE_NOT_ALLOWED"
        assert (await client.get(f"{stack.url('notify')}/reminders", headers=token(Role.AUDITOR))).status_code == 200


@pytest.mark.parametrize("change, field", [
    (lambda b: b.update(previous_reviewz=[{"fraud_found": True}]), "previous_reviewz"),
    (lambda b: b["unit"].update(extra={"deeply": {"nested": [1, 2, {"x": 1}]}}), "unit.extra"),
    (lambda b: b.update(self_statement="本人承诺\x00属实"), "self_statement"),
    (lambda b: b["applicant"].update(phone="1' OR '1'='1"), "applicant.phone"),
    (lambda b: b.update(professional_years=int("9" * 4000)), "professional_years"),
    (lambda b: b.update(assessments=[{"year": 9999, "result": "优秀"}]), "assessments.0.year"),
    (lambda b: b.update(papers=[{"title": "t", "journal": "j", "published_on": "9999-01-01"}]), "papers.0.published_on"),
])
async def test_malformed_filings_are_refused_with_a_bilingual_422_naming_the_field(stack, change, field):
    app = with_new_id(normal_applicant()).model_copy(update={"achievements": []})
    body = submit_body(app, ID_NUMBER)
    change(body)
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(f"{stack.url('intake')}/applications", json=body, headers=applicant_token(ID_NUMBER))
        assert answer.status_code == 422, answer.text
        error = answer.json()
        assert error["code"] == "INVALID_INPUT" and error["message_zh"] and error["message_en"]
        assert field in {d["field"] for d in error["details"]}
        assert (await client.get(f"{stack.url('intake')}/applications/{app.application_id}",
                                 headers=applicant_token(ID_NUMBER))).status_code == 404  # nothing stored


async def test_a_full_width_id_number_is_the_same_number(stack):
    async with httpx.AsyncClient(timeout=30) as client:
        app = await _citable(client, stack, ID_NUMBER)
        body = submit_body(app, ID_NUMBER.translate(FULL_WIDTH))
        foreign = await client.post(f"{stack.url('intake')}/applications", json=body, headers=applicant_token(OTHER_ID))
        assert foreign.status_code == 403 and foreign.json()["code"] == "FORBIDDEN"
        own = await client.post(f"{stack.url('intake')}/applications", json=body, headers=applicant_token(ID_NUMBER))
        assert own.status_code == 201, own.text


async def test_control_characters_in_a_path_or_query_and_too_deep_bodies_are_refused_not_crashed(stack):
    deep = '{"a":' * 100_000 + "null" + "}" * 100_000
    async with httpx.AsyncClient(timeout=30) as client:
        auditor = token(Role.AUDITOR)
        for url in (f"{stack.url('review')}/audit/streams/a%00b", f"{stack.url('review')}/exports/roster?area=%00"):
            answer = await client.get(url, headers=auditor)
            assert answer.status_code == 422 and answer.json()["code"] == "CONTROL_CHARACTER"
        nested = await client.post(f"{stack.url('intake')}/applications", content=deep, headers={**applicant_token(ID_NUMBER),
                                                                      "Content-Type": "application/json"})
        assert 400 <= nested.status_code < 500 and nested.json()["code"]


async def test_review_decisions_have_typed_bodies_that_refuse_unknown_fields(stack):
    unit = token(Role.UNIT, org="u-sx-jzsj", area="city")
    async with httpx.AsyncClient(timeout=30) as client:
        spec = (await client.get(stack.url("review") + "/openapi.json")).json()
        body = spec["paths"]["/cases/{application_id}/unit-pass"]["post"]["requestBody"]
        assert "UnitPassBody" in str(body)
        answer = await client.post(f"{stack.url('review')}/cases/batch", headers=unit,
                                   json={"decision": "unit-pass", "items": [], "actor": "me"})
        assert answer.status_code == 422 and "actor" in {d["field"] for d in answer.json()["details"]}


async def test_an_idempotency_key_belongs_to_its_caller(stack):
    key = {"Idempotency-Key": f"shared-{uuid.uuid4()}"}
    async with httpx.AsyncClient(timeout=30) as client:
        mine, theirs = await _citable(client, stack, ID_NUMBER), await _citable(client, stack, OTHER_ID)
        first = await _file(client, stack, mine, ID_NUMBER, **key)
        second = await _file(client, stack, theirs, OTHER_ID, **key)
        assert (first.status_code, second.status_code) == (201, 201), second.text
        assert first.json()["application_id"] != second.json()["application_id"]
