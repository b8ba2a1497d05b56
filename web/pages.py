"""What every page handler uses: the signed-in session (or a redirect to sign in), the CSRF-checked
form, and the page rendered with the session's account. Kept apart from `web.app` so that the page
modules and the app that includes them do not import each other."""
from __future__ import annotations

import secrets

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from contracts.envelope import Role
from contracts.limits import KIB
from web.services import ApiRefused, Services
from web.sessions import Session

COOKIE = "zc_session"


class CsrfRefused(Exception):
    pass


def set_cookie(response: Response, session: Session) -> None:
    # A browser-session cookie: when the session ends is the server's to say (idle time, the role
    # token's end, sign-out), not the browser's.
    response.set_cookie(COOKIE, session.id, httponly=True, samesite="lax", path="/")


def session_of(request: Request) -> Session | None:
    if not hasattr(request.state, "session"):
        request.state.session = request.app.state.store.get(request.cookies.get(COOKIE))
    return request.state.session


def home_of(session: Session) -> str:
    role = session.data["account"]["role"]
    return {"applicant": "/applicant", "unit": "/unit"}.get(role, "/other")


async def checked_form(request: Request, session: Session | None, *, max_part_size: int = 64 * KIB):
    """The POSTed form, once its CSRF token (field `csrf` or header X-CSRF-Token) is the session's."""
    form = await request.form(max_files=2, max_fields=400, max_part_size=max_part_size)
    sent = request.headers.get("X-CSRF-Token") or form.get("csrf") or ""
    if session is None or not isinstance(sent, str) or not secrets.compare_digest(sent, session.csrf):
        raise CsrfRefused()
    return form


def page(request: Request, session: Session | None, template: str, context: dict, status: int = 200) -> HTMLResponse:
    account = session.data.get("account") if session and session.signed_in else None
    return request.app.state.templates.TemplateResponse(
        request, template, {"session": session, "account": account, "csrf": session.csrf if session else "",
                            **context}, status_code=status)


def signed_in(request: Request, *roles: Role) -> tuple[Session, Services]:
    """The session and an API client with its token, or a redirect to sign in (raised)."""
    session = session_of(request)
    if session is None or not session.signed_in:
        raise NeedSignIn()
    if roles and session.data["account"]["role"] not in {r.value for r in roles}:
        raise ApiRefused(403, {"code": "ROLE_NOT_ALLOWED", "message_zh": "当前账号无权访问此页面",
                               "message_en": "this account may not open this page"})
    return session, Services(request.app.state.http, request.app.state.urls, session.data["token"])


class NeedSignIn(Exception):
    pass
