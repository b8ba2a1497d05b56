"""The token service issues an applicant's token without the person_ref key (only intake holds it,
issue 18): it asks the running intake (`POST /persons/refs`) with its own service token. The token
carries the person_ref intake computes, so the applicant's own reads find their documents; no
person's token of any role gets a person_ref from that door."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from contracts.envelope import Role
from identity.port import OidcIdentity, SignIn
from plumbing.edges.auth import DEV_TOKEN_PUBLIC_KEY, issue_service_token, verify_token
from plumbing.edges.dev_issuer import DEV_TOKEN_PRIVATE_KEY
from tests.e2e.api import PERSON_SECRET, applicant_token, id_number_of, token
from tests.e2e.browser import Front
from contracts.personal_data import person_ref

NAME = "令牌申报人"
ACCOUNTS = [{"subject": "tok-applicant", "username": "tok", "password": "pw-tok", "uid": "acc-tok-1",
             "name": NAME, "role": "applicant", "id_number": id_number_of(NAME)},
            {"subject": "tok-bad", "username": "bad", "password": "pw-bad", "uid": "acc-tok-2",
             "name": "号码有误", "role": "applicant", "id_number": "330602196513451234"}]


@pytest.fixture(scope="module")
def front(stack, tmp_path_factory):
    run = tmp_path_factory.mktemp("front-tokens")
    accounts = run / "accounts.json"
    accounts.write_text(json.dumps({"accounts": ACCOUNTS}, ensure_ascii=False), encoding="utf-8")
    f = Front(stack.ports, accounts, run)
    f.start()
    yield f
    f.stop()


async def _sign_in(front: Front, username: str, password: str) -> httpx.Response:
    port = OidcIdentity(front.url("idp"), "zhicheng-web", front.url("web") + "/auth/callback")
    flow = SignIn.new()
    params = {k: v[0] for k, v in parse_qs(urlsplit(port.sign_in_url(flow)).query).items()}
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(front.url("idp") + "/authorize", data={**params, "username": username, "password": password})
        assert answer.status_code == 302, answer.text
        code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
        id_token = await port.redeem(code, flow)
        return await client.post(front.url("tokens") + "/tokens", json={"id_token": id_token, "nonce": flow.nonce})


def _environment(pid: int) -> set[str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return {item.split(b"=", 1)[0].decode() for item in raw if b"=" in item}


async def test_the_token_service_without_the_person_ref_key_issues_the_applicant_token_intake_recognises(stack, front):
    assert "ZC_PERSON_REF_SECRET" not in _environment(front.procs["tokens"].pid)
    issued = await _sign_in(front, "tok", "pw-tok")
    assert issued.status_code == 200, issued.text
    claims = verify_token(DEV_TOKEN_PUBLIC_KEY, f"Bearer {issued.json()['access_token']}")
    assert claims["role"] is Role.APPLICANT
    assert claims["person_ref"] == person_ref(id_number_of(NAME), PERSON_SECRET)  # what intake's key makes of it
    async with httpx.AsyncClient(timeout=30) as client:
        mine = await client.get(stack.url("intake") + "/drafts/mine",
                                headers={"Authorization": f"Bearer {issued.json()['access_token']}"})
    assert mine.status_code == 200, mine.text


async def test_an_account_whose_id_number_intake_refuses_gets_no_token(stack, front):
    refused = await _sign_in(front, "bad", "pw-bad")
    assert refused.status_code == 503 and refused.json()["code"] == "PERSON_REF_REFUSED", refused.text
    assert refused.json()["message_zh"] and refused.json()["message_en"]


async def test_only_the_token_services_own_token_gets_a_person_ref_from_intake(stack):
    url = stack.url("intake") + "/persons/refs"
    body = {"id_number": id_number_of(NAME)}
    async with httpx.AsyncClient(timeout=30) as client:
        service = {"Authorization": f"Bearer {issue_service_token(DEV_TOKEN_PRIVATE_KEY, 'tokens')}"}
        answer = await client.post(url, json=body, headers=service)
        assert answer.status_code == 200 and answer.json()["person_ref"] == person_ref(id_number_of(NAME), PERSON_SECRET)
        for role in (r for r in Role if r is not Role.SYSTEM):
            headers = applicant_token(id_number_of(NAME)) if role is Role.APPLICANT else token(role, org="u-1")
            refused = await client.post(url, json=body, headers=headers)
            assert (refused.status_code, refused.json()["code"]) == (403, "ROLE_NOT_ALLOWED"), (role, refused.text)
        assert (await client.post(url, json=body)).status_code == 401
        malformed = await client.post(url, json={"id_number": "33060219651345123X"}, headers=service)
        assert malformed.status_code == 422 and malformed.json()["details"][0]["field"] == "id_number"
