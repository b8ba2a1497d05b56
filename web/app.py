"""The web front end: server-rendered pages in Chinese (FastAPI + Jinja2, htmx for partial updates).

It keeps no business data: every page is made from the four services' public HTTP APIs, called
with the signed-in person's role token, and every refusal is shown in the API's own bilingual words.
What it keeps is the session (web/sessions.py). Every response carries a Content-Security-Policy
without 'unsafe-inline' or 'unsafe-eval' (htmx is served from here, configured to need neither);
every POST must carry the session's CSRF token; the session cookie is HttpOnly and SameSite=Lax.
"""
from __future__ import annotations

import contextlib
import secrets
import time
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from contracts.limits import DOCUMENT_UPLOAD_MAX_BYTES, KIB
from identity.port import IdentityPort, IdentityRefused, SignIn, identity_port
from plumbing.edges.http import BodyLimit
from plumbing.settings import IdentitySettings, ProcessSettings, service_url
from web import labels
from web.pages import (COOKIE, CsrfRefused, NeedSignIn, checked_form, home_of, page, session_of, set_cookie,
                       signed_in)
from web.services import ApiRefused
from web.sessions import SIGN_IN_SECONDS, SessionStore

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
FORM_MAX_BYTES = 256 * KIB
ASSETS = Path(ProcessSettings.current().web_assets_dir or ROOT / "infra" / ".cache" / "web-assets" / "node_modules")
HTMX = ASSETS / "htmx.org" / "dist" / "htmx.min.js"


def create_app(settings: IdentitySettings | None = None, *, identity: IdentityPort | None = None,
               services: dict[str, str] | None = None) -> FastAPI:
    settings = settings or IdentitySettings()
    if not HTMX.exists():
        raise SystemExit(f"htmx is not installed at {HTMX}: run infra/web-assets.sh (make venv does)")
    identity = identity or identity_port(settings.idp_url, settings.web_client_id, settings.web_url + "/auth/callback")
    urls = services or {name: service_url(name) for name in ("intake", "eligibility", "review", "notify")}
    store = SessionStore(settings.web_session_db, settings.web_session_minutes * 60)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(labels=labels)
    templates.env.filters.update(stage=labels.stage, role=labels.role, shanghai=labels.shanghai,
                                 event=labels.event, kind=labels.kind)
    http = httpx.AsyncClient(timeout=15)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        await http.aclose()

    app = FastAPI(title="zhicheng web", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.store, app.state.templates, app.state.identity, app.state.settings = store, templates, identity, settings
    app.state.urls, app.state.http = urls, http

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    # The upload page carries one file; every other form is small.
    app.add_middleware(BodyLimit, max_bytes=FORM_MAX_BYTES, per_path={"/applicant/documents": DOCUMENT_UPLOAD_MAX_BYTES})

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _exc: CsrfRefused):
        return page(request, None, "error.html", {"title": "请求无效", "refusal": {
            "code": "CSRF", "message_zh": "页面已过期或请求来源不明，请刷新后重试",
            "message_en": "the form's token is missing or wrong; reload the page and try again"}}, status=403)

    @app.exception_handler(NeedSignIn)
    async def need_sign_in(_request: Request, _exc: NeedSignIn):
        return RedirectResponse("/", status_code=303)

    @app.exception_handler(ApiRefused)
    async def api_refused(request: Request, exc: ApiRefused):
        if exc.status == 401:  # the role token ended: the session ends with it
            store.delete(request.cookies.get(COOKIE))
        return page(request, session_of(request), "error.html", {"title": "操作未完成", "refusal": exc.body},
                    status=exc.status if 400 <= exc.status < 500 else 502)

    from web.pages_applicant import router as applicant_router
    from web.pages_unit import router as unit_router

    app.include_router(applicant_router)
    app.include_router(unit_router)

    @app.get("/static/htmx.min.js")
    async def htmx():
        return FileResponse(HTMX, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})

    @app.get("/static/{name}")
    async def static(name: str):
        path = HERE / "static" / name
        if name not in {"site.css", "site.js"} or not path.exists():
            return Response(status_code=404)
        return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})

    @app.get("/readyz")
    async def ready() -> dict:
        return {"status": "ok"}

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request):
        session = session_of(request)
        if session and session.signed_in:
            return RedirectResponse(home_of(session), status_code=303)
        return page(request, None, "landing.html", {"title": "登录"})

    @app.get("/other", response_class=HTMLResponse)
    async def other(request: Request):
        session, _api = signed_in(request)
        return page(request, session, "other.html", {"title": "工作台"})

    @app.get("/auth/sign-in")
    async def sign_in(request: Request):
        flow = SignIn.new()
        pending = store.create({"sign_in": {"state": flow.state, "nonce": flow.nonce, "verifier": flow.verifier}},
                               seconds=SIGN_IN_SECONDS)
        response = RedirectResponse(identity.sign_in_url(flow), status_code=303)
        set_cookie(response, pending)
        return response

    @app.get("/auth/callback")
    async def callback(request: Request, code: str = "", state: str = ""):
        pending = store.get(request.cookies.get(COOKIE))
        flow = (pending.data.get("sign_in") if pending else None) or {}
        store.delete(request.cookies.get(COOKIE))  # one try per sign-in, whatever happens
        refusal = None
        if not flow or not state or not secrets.compare_digest(state, flow.get("state", "")):
            refusal = ("STATE_MISMATCH", "登录请求已失效或来源不明，请重新登录", "the sign-in's state does not match; sign in again")
        elif not code or len(code) > 512:
            refusal = ("NO_CODE", "身份认证未完成", "the provider sent no code")
        else:
            sign = SignIn(flow["state"], flow["nonce"], flow["verifier"])
            try:
                id_token = await identity.redeem(code, sign)
                answer = await http.post(settings.tokens_url + "/tokens", json={"id_token": id_token, "nonce": sign.nonce})
            except IdentityRefused:
                refusal = ("CODE_REFUSED", "身份认证失败，请重新登录", "the provider refused the code; sign in again")
            except httpx.HTTPError:
                refusal = ("TOKEN_SERVICE_UNAVAILABLE", "令牌服务暂不可用", "the token service did not answer")
            else:
                if answer.status_code != 200:
                    try:
                        body = answer.json()
                    except ValueError:
                        body = {}
                    refusal = (body.get("code", "REFUSED"), body.get("message_zh", "登录失败"), body.get("message_en", "sign-in refused"))
        if refusal:
            response = page(request, None, "error.html", {"title": "登录失败", "refusal": {
                "code": refusal[0], "message_zh": refusal[1], "message_en": refusal[2]}}, status=400)
            response.delete_cookie(COOKIE, path="/")
            return response
        issued = answer.json()
        # A new session id at sign-in (the pending one is gone): a planted cookie signs no one in.
        session = store.create({"token": issued["access_token"], "account": issued["account"]},
                               hard_end=time.time() + issued["expires_in"] - 60)
        response = RedirectResponse(home_of(session), status_code=303)
        set_cookie(response, session)
        return response

    @app.post("/auth/sign-out")
    async def sign_out(request: Request):
        session = session_of(request)
        await checked_form(request, session)
        store.delete(request.cookies.get(COOKIE))
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    return app


def main() -> None:
    import uvicorn

    from plumbing import tracing
    from plumbing.logging import configure

    settings = IdentitySettings()
    configure("web")  # JSON lines, uvicorn's included (log_config=None below)
    settings.refuse_foreign_secrets("the web front end")  # it calls the services; it holds none of their keys
    # With an exporter configured: FastAPI's own request spans, and the httpx calls to the services
    # carry their traceparent, so a page's request and the filing it makes are one trace.
    tracing.configure("web", settings)
    app = create_app(settings)
    uvicorn.run(app, host="127.0.0.1", port=settings.web_port, log_level="warning", access_log=False, log_config=None)


if __name__ == "__main__":
    main()
