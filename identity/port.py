"""The identity port: how the web front end has someone's identity proven. The web knows only this
interface; which provider stands behind it is configuration (`ZC_IDENTITY_PROVIDER`, `ZC_IDP_URL`).

`OidcIdentity` is OpenID Connect's authorization code flow with PKCE (S256): the sign-in URL carries
state, nonce and the code challenge; `redeem` trades the code and its verifier for the provider's ID
token, which the token service verifies (signature, issuer, audience, expiry, nonce) before it issues
a role token. A ticket-based sign-on (浙江政务服务网) is another adapter of the same two methods:
ARCHITECTURE.md "Signing in" says what it would need.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

import httpx
from plumbing.settings import ProcessSettings


class IdentityRefused(Exception):
    """The provider would not prove the identity (bad code, wrong verifier, spent code...)."""


@dataclass(frozen=True)
class SignIn:
    """What the web keeps between sending someone to the provider and their return."""
    state: str
    nonce: str
    verifier: str

    @staticmethod
    def new() -> "SignIn":
        return SignIn(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48))

    @property
    def challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class IdentityPort(Protocol):
    def sign_in_url(self, sign_in: SignIn) -> str: ...
    async def redeem(self, code: str, sign_in: SignIn) -> str: ...


@dataclass(frozen=True)
class OidcIdentity:
    issuer: str
    client_id: str
    redirect_uri: str

    def sign_in_url(self, sign_in: SignIn) -> str:
        query = {"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
                 "scope": "openid profile", "state": sign_in.state, "nonce": sign_in.nonce,
                 "code_challenge": sign_in.challenge, "code_challenge_method": "S256"}
        return f"{self.issuer}/authorize?{urlencode(query)}"

    async def redeem(self, code: str, sign_in: SignIn) -> str:
        async with httpx.AsyncClient(timeout=10) as client:
            answer = await client.post(f"{self.issuer}/token", data={
                "grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
                "client_id": self.client_id, "code_verifier": sign_in.verifier})
        if answer.status_code != 200 or "id_token" not in answer.json():
            raise IdentityRefused(answer.text[:300])
        return answer.json()["id_token"]


def identity_port(issuer: str, client_id: str, redirect_uri: str) -> IdentityPort:
    kind = ProcessSettings.current().identity_provider
    if kind == "oidc":
        return OidcIdentity(issuer, client_id, redirect_uri)
    raise SystemExit(f"ZC_IDENTITY_PROVIDER={kind!r}: no such identity adapter (oidc)")
