"""The development OpenID Connect provider: authorization code with PKCE (S256, required), on
Authlib's server classes (`AuthorizationServer`, `AuthorizationCodeGrant`, `CodeChallenge`,
`OpenIDCode`); only this adapter to Starlette is ours.

It proves who someone is (a sign-in name and password from the accounts file) and nothing else: the
role token comes from the token service. One public client, the web front end, whose redirect URI
is configured. Codes live in memory for 60 s and are spent on first use; ID tokens are signed with
an Ed25519 key made at start and published at `/jwks`. It refuses to start without ZC_DEV_MODE:
it is a stand-in for the province's sign-on (ARCHITECTURE.md "Signing in").
"""
from __future__ import annotations

import html
import os
import secrets
import time
import warnings
from dataclasses import dataclass, field
from urllib.parse import urlencode

from authlib.oauth2 import AuthorizationServer, OAuth2Error
from authlib.oauth2.rfc6749 import OAuth2Request, grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from joserfc.jwk import OKPKey

from identity.accounts import Account, load_accounts

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # loopback only, development provider
# RFC 9864 prefers "Ed25519" as the name; PyJWT, which the token service verifies with, knows "EdDSA".
warnings.filterwarnings("ignore", message="EdDSA is deprecated")

CODE_SECONDS = 60
ID_TOKEN_SECONDS = 300
FORM_MAX_BYTES = 8 * 1024
CSP = "default-src 'none'; style-src 'self'; form-action 'self' http://127.0.0.1:*; frame-ancestors 'none'; base-uri 'none'"


@dataclass(frozen=True)
class Client:
    client_id: str
    redirect_uri: str

    def get_client_id(self): return self.client_id
    def get_default_redirect_uri(self): return self.redirect_uri
    def get_allowed_scope(self, scope): return " ".join(s for s in (scope or "").split() if s in ("openid", "profile"))
    def check_redirect_uri(self, redirect_uri): return redirect_uri == self.redirect_uri
    def check_client_secret(self, _secret): return False
    def check_endpoint_auth_method(self, method, _endpoint): return method == "none"  # public client: PKCE
    def check_response_type(self, response_type): return response_type == "code"
    def check_grant_type(self, grant_type): return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    subject: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self): return self.redirect_uri
    def get_scope(self): return self.scope
    def get_nonce(self): return self.nonce
    def get_auth_time(self): return self.auth_time
    def get_acr(self): return None
    def get_amr(self): return None
    def is_expired(self): return time.time() > self.auth_time + CODE_SECONDS


class _Request(OAuth2Request):
    """Authlib's request from what the Starlette endpoint already read (query and form)."""

    def __init__(self, method: str, url: str, headers, query: dict, form: dict) -> None:
        super().__init__(method, url, headers=headers)
        self._args, self._form = query, form
        self.payload = BasicOAuth2Payload({**query, **form})

    @property
    def args(self): return self._args

    @property
    def form(self): return self._form


class Provider(AuthorizationServer):
    def __init__(self, issuer: str, client: Client, accounts: dict[str, Account]) -> None:
        super().__init__(scopes_supported=["openid", "profile"])
        self.issuer, self.client, self.accounts = issuer, client, accounts
        self.key = OKPKey.generate_key("Ed25519")
        self.kid = self.key.thumbprint()
        self.codes: dict[str, Code] = {}
        self.register_token_generator("default", self._bearer)
        self.register_grant(_CodeGrant, [CodeChallenge(required=True), _OpenIDCode(self)])

    def _bearer(self, grant_type, client, user=None, scope=None, expires_in=None, include_refresh_token=True):
        return {"token_type": "Bearer", "access_token": secrets.token_urlsafe(32), "expires_in": ID_TOKEN_SECONDS,
                "scope": scope}

    def query_client(self, client_id):
        return self.client if client_id == self.client.client_id else None

    def save_token(self, token, request): pass  # access tokens are not used: the role token comes from elsewhere

    def create_oauth2_request(self, request): return request
    def create_json_request(self, request): return request
    def send_signal(self, name, *args, **kwargs): pass

    def handle_response(self, status, payload, headers):
        if isinstance(payload, dict):
            return JSONResponse(payload, status_code=status, headers={**dict(headers), "Cache-Control": "no-store"})
        return Response(payload, status_code=status, headers=dict(headers))

    def jwks(self) -> dict:
        return {"keys": [{**self.key.as_dict(private=False), "kid": self.kid, "alg": "EdDSA", "use": "sig"}]}


class _CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["none"]

    def save_authorization_code(self, code, request):
        payload = request.payload.data
        self.server.codes[code] = Code(code, request.client.client_id, payload.get("redirect_uri"), request.scope,
                                       request.user.subject, payload.get("nonce"), payload.get("code_challenge"),
                                       payload.get("code_challenge_method"))

    def query_authorization_code(self, code, client):
        found = self.server.codes.get(code)
        if found and found.client_id == client.client_id and not found.is_expired():
            return found
        return None

    def delete_authorization_code(self, authorization_code):
        self.server.codes.pop(authorization_code.code, None)  # spent: a second use finds nothing

    def authenticate_user(self, authorization_code):
        return self.server.accounts.get(authorization_code.subject)


class _OpenIDCode(OpenIDCode):
    def __init__(self, provider: Provider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce, request):
        return any(c.nonce == nonce for c in self.provider.codes.values())

    def get_jwt_config(self, grant=None, client=None):
        return {"key": self.provider.key, "alg": "EdDSA", "iss": self.provider.issuer, "exp": ID_TOKEN_SECONDS,
                "kid": self.provider.kid}

    def resolve_client_private_key(self, client): return self.provider.key
    def get_client_algorithm(self, client): return "EdDSA"

    def get_client_claims(self, client):
        now = int(time.time())
        return {"iss": self.provider.issuer, "aud": [client.get_client_id()], "iat": now, "exp": now + ID_TOKEN_SECONDS}

    def get_encode_header(self, client): return {"alg": "EdDSA", "kid": self.provider.kid}

    def generate_user_info(self, user: Account, scope):
        return UserInfo(sub=user.subject, name=user.name)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
                        f'<link rel="stylesheet" href="/static/idp.css"></head><body><main>{body}</main></body></html>',
                        status_code=status, headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store",
                                                     "X-Frame-Options": "DENY"})


def _login_form(query: dict, error: str = "") -> HTMLResponse:
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in query.items())
    alert = f'<p role="alert" class="error">{html.escape(error)}</p>' if error else ""
    return _page("开发用身份认证 / Development sign-in", f"""
<h1>开发用身份认证 <span lang="en">Development identity provider</span></h1>
<p>此页面仅用于本地开发，代替政务服务网统一身份认证。</p>{alert}
<form method="post" action="/authorize">{hidden}
<p><label for="username">用户名 / user name</label><input id="username" name="username" autocomplete="username" required></p>
<p><label for="password">密码 / password</label><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">登录 / Sign in</button></p></form>""", 401 if error else 200)


def create_app(issuer: str, client_id: str, redirect_uri: str, accounts: dict[str, Account] | None = None) -> FastAPI:
    provider = Provider(issuer, Client(client_id, redirect_uri), accounts or load_accounts())
    by_username = {a.username: a for a in provider.accounts.values()}
    app = FastAPI(title="zhicheng development identity provider", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.provider = provider

    async def _form(request: Request) -> dict:
        body = await request.body()
        if len(body) > FORM_MAX_BYTES:
            raise OAuth2Error("request too large")
        from urllib.parse import parse_qsl
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))

    def _req(request: Request, form: dict) -> _Request:
        return _Request(request.method, str(request.url), dict(request.headers), dict(request.query_params), form)

    @app.get("/.well-known/openid-configuration")
    async def discovery() -> dict:
        return {"issuer": issuer, "authorization_endpoint": f"{issuer}/authorize", "token_endpoint": f"{issuer}/token",
                "jwks_uri": f"{issuer}/jwks", "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["EdDSA"], "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["none"], "scopes_supported": ["openid", "profile"]}

    @app.get("/jwks")
    async def jwks() -> dict:
        return provider.jwks()

    @app.get("/authorize")
    async def authorize_page(request: Request):
        query = dict(request.query_params)
        try:
            provider.get_consent_grant(_req(request, {}))
        except OAuth2Error as error:
            return _page("请求无效 / Invalid request", f"<h1>请求无效</h1><p lang=\"en\">{html.escape(error.error)}: "
                         f"{html.escape(error.description or '')}</p>", 400)
        return _login_form(query)

    @app.post("/authorize")
    async def authorize(request: Request):
        form = await _form(request)
        account = by_username.get(form.pop("username", ""))
        password = form.pop("password", "")
        query = {k: v for k, v in form.items()}
        if account is None or not secrets.compare_digest(account.password.encode(), password.encode()):
            return _login_form(query, "用户名或密码错误 / wrong user name or password")
        request_ = _req(request, query)
        try:
            grant = provider.get_consent_grant(request_, end_user=account)
        except OAuth2Error as error:
            return _page("请求无效 / Invalid request", f"<h1>请求无效</h1><p lang=\"en\">{html.escape(error.error)}</p>", 400)
        return provider.create_authorization_response(request_, grant_user=account, grant=grant)

    @app.post("/token")
    async def token(request: Request):
        return provider.create_token_response(_req(request, await _form(request)))

    @app.get("/static/idp.css")
    async def css():
        return Response("body{font-family:sans-serif;max-width:32rem;margin:2rem auto;color:#1a1a1a}"
                        "label{display:block;margin:.5rem 0 .2rem}input{font-size:1rem;padding:.3rem;width:100%}"
                        "button{font-size:1rem;padding:.4rem 1.2rem;margin-top:.6rem}.error{color:#a00000}",
                        media_type="text/css")

    @app.get("/readyz")
    async def ready() -> dict:
        return {"status": "ok"}

    return app


def main() -> None:
    import uvicorn

    from plumbing.settings import IdentitySettings

    settings = IdentitySettings()
    if not settings.dev_mode:
        raise SystemExit("refusing to start: the development identity provider runs only with ZC_DEV_MODE=1")
    app = create_app(settings.idp_url, settings.web_client_id, settings.web_url + "/auth/callback")
    uvicorn.run(app, host="127.0.0.1", port=settings.idp_port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
