"""The token service: the one place that turns a proven identity into a role token.

`POST /tokens {id_token, nonce}`: the ID token is verified against the identity provider's published
keys (signature, issuer, audience = the web's client id, expiry, and the nonce the web sent with the
sign-in), its subject is looked up in the accounts file (operator data), and a role token is signed
through `plumbing.edges.auth.issue_token`, the function `zc token` uses (EdDSA with the issuer's
private key, ZC_TOKEN_PRIVATE_KEY), so the services verify it with their public key. The private key
is held here and in no other process of the front end (the web holds none: import-linter).

An applicant's token carries their `person_ref`, the keyed hash of their ID number that only intake
can compute (only intake holds ZC_PERSON_REF_SECRET; this process refuses to start with it outside
development). So the token service asks intake: `POST /persons/refs` with the account's ID number
(operator data in the accounts file), authenticated by a service token it signs for itself
(plumbing/edges/auth.py `issue_service_token`), which no person's token can stand in for.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
import jwt
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from contracts.envelope import Role
from identity.accounts import Account, load_accounts
from plumbing.edges.auth import issue_service_token, issue_token

LEEWAY_SECONDS = 30
ROLE_TOKEN_HOURS = 8  # a working day; the web's session never outlives it


class Refusal(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


@dataclass
class ProviderKeys:
    """The provider's JWKS, fetched when a token names a key not seen yet (at most every 10 s)."""
    jwks_url: str
    keys: dict | None = None
    fetched: float = 0.0

    def key_for(self, kid: str | None):
        if (self.keys is None or kid not in self.keys) and time.monotonic() - self.fetched > 10:
            answer = httpx.get(self.jwks_url, timeout=5)
            answer.raise_for_status()
            self.keys = {k.get("kid"): jwt.PyJWK(k, algorithm=k.get("alg", "EdDSA")).key for k in answer.json()["keys"]}
            self.fetched = time.monotonic()
        if not self.keys or kid not in self.keys:
            raise Refusal("ID_TOKEN_INVALID", "身份凭证的签名密钥未知", "the ID token's signing key is unknown")
        return self.keys[kid]


def verify_id_token(id_token: str, key, *, issuer: str, audience: str, nonce: str, now: float | None = None) -> dict:
    """The ID token's claims, or Refusal: signature (EdDSA), issuer, audience, expiry, nonce."""
    try:
        claims = jwt.decode(id_token, key, algorithms=["EdDSA"], audience=audience, issuer=issuer,
                            leeway=LEEWAY_SECONDS, options={"require": ["exp", "iat", "sub", "iss", "aud"], "verify_exp": False})
    except jwt.PyJWTError:
        raise Refusal("ID_TOKEN_INVALID", "身份凭证无效", "the ID token is not valid") from None
    if float(claims["exp"]) + LEEWAY_SECONDS < (now if now is not None else time.time()):
        raise Refusal("ID_TOKEN_EXPIRED", "身份凭证已过期，请重新登录", "the ID token has expired; sign in again")
    if not nonce or claims.get("nonce") != nonce:
        raise Refusal("NONCE_MISMATCH", "登录请求与身份凭证不匹配（nonce）", "the ID token's nonce does not match the sign-in")
    return claims


class PersonRefs:
    """Intake's answer to "which person_ref is this ID number", asked with a service token."""

    def __init__(self, intake_url: str, private_key: str, audience: str, http: httpx.Client | None = None) -> None:
        self.url, self.private_key, self.audience = intake_url + "/persons/refs", private_key, audience
        self.http = http or httpx.Client(timeout=10)

    def of(self, id_number: str) -> str:
        token = issue_service_token(self.private_key, "tokens", audience=self.audience)
        try:
            answer = self.http.post(self.url, json={"id_number": id_number}, headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError:
            raise Refusal("INTAKE_UNAVAILABLE", "申报服务暂不可用，请稍后再登录", "intake did not answer; sign in later") from None
        if answer.status_code != 200:
            raise Refusal("PERSON_REF_REFUSED", "无法核验该账号的身份证号码，请联系平台管理员",
                          f"intake refused the account's ID number ({answer.status_code})")
        return answer.json()["person_ref"]


def issue(account: Account, *, private_key: str, refs: PersonRefs, audience: str) -> dict:
    ref = refs.of(account.id_number) if account.role is Role.APPLICANT and account.id_number else ""
    token = issue_token(private_key, role=account.role, name=account.name, uid=account.uid, org=account.org,
                        area=account.area, person_ref=ref, hours=ROLE_TOKEN_HOURS, audience=audience)
    return {"access_token": token, "token_type": "Bearer", "expires_in": ROLE_TOKEN_HOURS * 3600,
            "account": {"uid": account.uid, "name": account.name, "role": account.role.value, "org": account.org,
                        "area": account.area}}


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id_token: str = Field(min_length=1, max_length=8192)
    nonce: str = Field(min_length=1, max_length=200)


def create_app(*, issuer: str, client_id: str, private_key: str, audience: str, refs: PersonRefs,
               accounts: dict[str, Account] | None = None, keys: ProviderKeys | None = None) -> FastAPI:
    accounts = accounts if accounts is not None else load_accounts()
    keys = keys or ProviderKeys(f"{issuer}/jwks")
    app = FastAPI(title="zhicheng token service", docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/tokens")
    def tokens(body: TokenRequest):
        try:
            header = jwt.get_unverified_header(body.id_token)
            claims = verify_id_token(body.id_token, keys.key_for(header.get("kid")), issuer=issuer,
                                     audience=client_id, nonce=body.nonce)
            account = accounts.get(claims["sub"])
            if account is None:
                raise Refusal("NO_ACCOUNT", "该身份尚未开通平台账号", "no account for this identity")
        except jwt.PyJWTError:
            return JSONResponse({"code": "ID_TOKEN_INVALID", "message_zh": "身份凭证无效",
                                 "message_en": "the ID token is not valid"}, status_code=401)
        except Refusal as refused:
            return JSONResponse({"code": refused.code, "message_zh": refused.zh, "message_en": refused.en},
                                status_code=401)
        try:
            return issue(account, private_key=private_key, refs=refs, audience=audience)
        except Refusal as refused:  # intake did not say who the applicant is: no token
            return JSONResponse({"code": refused.code, "message_zh": refused.zh, "message_en": refused.en},
                                status_code=503)

    @app.get("/readyz")
    def ready() -> dict:
        return {"status": "ok"}

    return app


def main() -> None:
    import uvicorn

    from plumbing.edges.dev_issuer import DEV_TOKEN_PRIVATE_KEY, issuer_key
    from plumbing.settings import IdentitySettings, service_url

    s = IdentitySettings()
    ignored = s.refuse_foreign_secrets("the token service")
    if ignored:
        print(f"[tokens] development: ignoring {', '.join(ignored)} (only intake holds it)", flush=True)
    key = issuer_key()
    if key == DEV_TOKEN_PRIVATE_KEY and not s.dev_mode:
        raise SystemExit("refusing to start with the development key (set ZC_TOKEN_PRIVATE_KEY)")
    app = create_app(issuer=s.idp_url, client_id=s.web_client_id, private_key=key, audience=s.jwt_audience,
                     refs=PersonRefs(service_url("intake"), key, s.jwt_audience))
    uvicorn.run(app, host="127.0.0.1", port=s.tokens_port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
