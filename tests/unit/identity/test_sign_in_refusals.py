"""Signing in: the development provider (Authlib's code grant with PKCE) and the token service, each
an ASGI app driven in-process. What must be refused is refused: a wrong PKCE verifier, a code used
twice, a nonce that is not the sign-in's, an expired ID token."""
from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from contracts.envelope import Role
from contracts.personal_data import person_ref
from identity.accounts import Account
from identity.port import SignIn
from identity.provider import create_app as provider_app
from identity.tokens import PersonRefs, ProviderKeys, Refusal, create_app as tokens_app, verify_id_token
from plumbing.edges.auth import DEV_PERSON_REF_SECRET, DEV_TOKEN_PUBLIC_KEY, verify_service_token, verify_token
from plumbing.edges.dev_issuer import DEV_TOKEN_PRIVATE_KEY

ISSUER, CLIENT, REDIRECT = "http://idp.test", "zhicheng-web", "http://web.test/auth/callback"
ACCOUNTS = {"s-1": Account("s-1", "wang", "pw", "acc-1", "王建国", Role.APPLICANT, id_number="330602196503121234"),
            "s-2": Account("s-2", "unit", "pw2", "acc-2", "李人事", Role.UNIT, org="u-1", area="city")}


def _intake_refs() -> PersonRefs:
    """Intake's /persons/refs as a stand-in (the real one: tests/e2e/test_token_service_without_the_key.py):
    it answers only the token service's own service token."""
    def answer(request: httpx.Request) -> httpx.Response:
        assert verify_service_token(DEV_TOKEN_PUBLIC_KEY, request.headers["Authorization"]) == "tokens"
        return httpx.Response(200, json={"person_ref": person_ref(json.loads(request.content)["id_number"],
                                                                  DEV_PERSON_REF_SECRET)})
    return PersonRefs("http://intake.test", DEV_TOKEN_PRIVATE_KEY, "zhicheng",
                      http=httpx.Client(transport=httpx.MockTransport(answer)))


@pytest.fixture
def provider():
    return provider_app(ISSUER, CLIENT, REDIRECT, ACCOUNTS)


def _client(app, base: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base)


async def _code(provider, flow: SignIn, username: str = "wang", password: str = "pw") -> str:
    params = {"response_type": "code", "client_id": CLIENT, "redirect_uri": REDIRECT, "scope": "openid profile",
              "state": flow.state, "nonce": flow.nonce, "code_challenge": flow.challenge,
              "code_challenge_method": "S256"}
    async with _client(provider, ISSUER) as idp:
        assert (await idp.get("/authorize", params=params)).status_code == 200
        answer = await idp.post("/authorize", data={**params, "username": username, "password": password})
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["state"] == [flow.state]
    return query["code"][0]


async def _redeem(provider, code: str, verifier: str) -> httpx.Response:
    async with _client(provider, ISSUER) as idp:
        return await idp.post("/token", data={"grant_type": "authorization_code", "code": code,
                                              "redirect_uri": REDIRECT, "client_id": CLIENT, "code_verifier": verifier})


async def test_a_wrong_pkce_verifier_is_refused_and_the_right_one_gets_an_id_token(provider):
    flow = SignIn.new()
    code = await _code(provider, flow)
    wrong = await _redeem(provider, code, SignIn.new().verifier)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    fresh = SignIn.new()  # the first sign-in's nonce is taken while its code lives: a new sign-in
    right = await _redeem(provider, await _code(provider, fresh), fresh.verifier)
    assert right.status_code == 200 and "id_token" in right.json()


async def test_a_code_is_spent_on_its_first_use(provider):
    flow = SignIn.new()
    code = await _code(provider, flow)
    assert (await _redeem(provider, code, flow.verifier)).status_code == 200
    again = await _redeem(provider, code, flow.verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


async def test_a_wrong_password_gets_no_code(provider):
    flow = SignIn.new()
    params = {"response_type": "code", "client_id": CLIENT, "redirect_uri": REDIRECT, "scope": "openid",
              "state": flow.state, "nonce": flow.nonce, "code_challenge": flow.challenge, "code_challenge_method": "S256"}
    async with _client(provider, ISSUER) as idp:
        answer = await idp.post("/authorize", data={**params, "username": "wang", "password": "nope"})
    assert answer.status_code == 401 and "location" not in answer.headers and not provider.state.provider.codes


async def _tokens_for(provider, id_token: str, nonce: str) -> httpx.Response:
    keys = ProviderKeys(f"{ISSUER}/jwks", {k["kid"]: jwt.PyJWK(k, algorithm="EdDSA").key
                                            for k in provider.state.provider.jwks()["keys"]}, time.monotonic())
    app = tokens_app(issuer=ISSUER, client_id=CLIENT, private_key=DEV_TOKEN_PRIVATE_KEY,
                     refs=_intake_refs(), audience="zhicheng", accounts=ACCOUNTS, keys=keys)
    async with _client(app, "http://tokens.test") as tokens:
        return await tokens.post("/tokens", json={"id_token": id_token, "nonce": nonce})


async def test_the_token_service_refuses_a_nonce_that_is_not_the_sign_ins_and_issues_the_role_token_for_the_right_one(provider):
    flow = SignIn.new()
    id_token = (await _redeem(provider, await _code(provider, flow), flow.verifier)).json()["id_token"]
    wrong = await _tokens_for(provider, id_token, "another-nonce")
    assert wrong.status_code == 401 and wrong.json()["code"] == "NONCE_MISMATCH"
    issued = await _tokens_for(provider, id_token, flow.nonce)
    assert issued.status_code == 200, issued.text
    claims = verify_token(DEV_TOKEN_PUBLIC_KEY, f"Bearer {issued.json()['access_token']}")
    assert (claims["role"], claims["uid"], claims["name"]) == (Role.APPLICANT, "acc-1", "王建国")
    assert claims["person_ref"] == person_ref("330602196503121234", DEV_PERSON_REF_SECRET)


async def test_a_subject_without_an_account_gets_no_role_token(provider):
    flow = SignIn.new()
    id_token = (await _redeem(provider, await _code(provider, flow), flow.verifier)).json()["id_token"]
    provider_accounts = dict(ACCOUNTS)
    del provider_accounts["s-1"]
    keys = ProviderKeys(f"{ISSUER}/jwks", {k["kid"]: jwt.PyJWK(k, algorithm="EdDSA").key
                                            for k in provider.state.provider.jwks()["keys"]}, time.monotonic())
    app = tokens_app(issuer=ISSUER, client_id=CLIENT, private_key=DEV_TOKEN_PRIVATE_KEY,
                     refs=_intake_refs(), audience="zhicheng", accounts=provider_accounts, keys=keys)
    async with _client(app, "http://tokens.test") as tokens:
        answer = await tokens.post("/tokens", json={"id_token": id_token, "nonce": flow.nonce})
    assert answer.status_code == 401 and answer.json()["code"] == "NO_ACCOUNT"


async def test_an_expired_id_token_is_refused(provider):
    flow = SignIn.new()
    id_token = (await _redeem(provider, await _code(provider, flow), flow.verifier)).json()["id_token"]
    key = jwt.PyJWK(provider.state.provider.jwks()["keys"][0], algorithm="EdDSA").key
    expires = jwt.decode(id_token, options={"verify_signature": False})["exp"]
    assert verify_id_token(id_token, key, issuer=ISSUER, audience=CLIENT, nonce=flow.nonce, now=expires)["sub"] == "s-1"
    with pytest.raises(Refusal) as refused:
        verify_id_token(id_token, key, issuer=ISSUER, audience=CLIENT, nonce=flow.nonce, now=expires + 31)
    assert refused.value.code == "ID_TOKEN_EXPIRED"


async def test_an_id_token_from_another_issuer_or_for_another_client_is_refused(provider):
    flow = SignIn.new()
    id_token = (await _redeem(provider, await _code(provider, flow), flow.verifier)).json()["id_token"]
    key = jwt.PyJWK(provider.state.provider.jwks()["keys"][0], algorithm="EdDSA").key
    for issuer, audience in (("http://elsewhere.test", CLIENT), (ISSUER, "another-client")):
        with pytest.raises(Refusal):
            verify_id_token(id_token, key, issuer=issuer, audience=audience, nonce=flow.nonce)
