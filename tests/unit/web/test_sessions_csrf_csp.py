"""The web front end's own guards, in-process: server-side sessions (sign-out and expiry revoke),
the sign-in's state, CSRF on every POST, cookie flags, and a Content-Security-Policy that allows
no inline script or eval."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from identity.port import OidcIdentity, SignIn
from plumbing.settings import IdentitySettings
from web.app import COOKIE, create_app
from web.sessions import SessionStore


class RecordingIdentity(OidcIdentity):
    """The OIDC adapter's sign-in URL; a redeem that records being called (it must not be)."""
    redeemed: list = []

    async def redeem(self, code: str, sign_in: SignIn) -> str:
        self.redeemed.append(code)
        raise AssertionError("a callback with a wrong state must not redeem its code")


@pytest.fixture
def web(tmp_path):
    settings = IdentitySettings(web_session_db=str(tmp_path / "sessions.sqlite3"), idp_url="http://idp.test")
    identity = RecordingIdentity("http://idp.test", "zhicheng-web", "http://web.test/auth/callback")
    identity.redeemed.clear()
    app = create_app(settings, identity=identity, services={})
    with TestClient(app, base_url="http://web.test", follow_redirects=False) as client:
        yield client, app, identity


def test_every_page_carries_a_policy_without_inline_script_or_eval(web):
    client, _app, _identity = web
    answer = client.get("/")
    policy = answer.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert '<script src="/static/htmx.min.js"' in answer.text and "<script>" not in answer.text
    assert client.get("/static/htmx.min.js").status_code == 200


def test_sign_in_sends_state_nonce_and_an_s256_challenge_and_sets_an_httponly_samesite_cookie(web):
    client, _app, _identity = web
    answer = client.get("/auth/sign-in")
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["state"][0] and query["nonce"][0]
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_a_callback_whose_state_does_not_match_signs_no_one_in_and_spends_the_sign_in(web):
    client, _app, identity = web
    state = parse_qs(urlsplit(client.get("/auth/sign-in").headers["location"]).query)["state"][0]
    refused = client.get("/auth/callback", params={"code": "c-1", "state": state + "x"})
    assert refused.status_code == 400 and "STATE_MISMATCH" in refused.text
    # The pending sign-in is gone: even its right state is refused now.
    again = client.get("/auth/callback", params={"code": "c-1", "state": state})
    assert again.status_code == 400 and "STATE_MISMATCH" in again.text
    assert identity.redeemed == []


def _signed_in(app, client) -> str:
    session = app.state.store.create({"token": "t", "account": {"role": "auditor", "name": "审计员"}})
    client.cookies.set(COOKIE, session.id)
    return session.csrf


def test_a_post_without_the_sessions_csrf_token_is_refused(web):
    client, app, _identity = web
    csrf = _signed_in(app, client)
    assert client.post("/auth/sign-out", data={}).status_code == 403
    assert client.post("/auth/sign-out", data={"csrf": csrf + "x"}).status_code == 403
    assert client.post("/auth/sign-out", data={"csrf": csrf}).status_code == 303


def test_a_cookie_replayed_after_sign_out_signs_no_one_in(web):
    client, app, _identity = web
    csrf = _signed_in(app, client)
    cookie = client.cookies[COOKIE]
    assert client.get("/").headers["location"] == "/other"
    assert client.get("/other").status_code == 200
    client.post("/auth/sign-out", data={"csrf": csrf})
    client.cookies.set(COOKIE, cookie)
    answer = client.get("/")
    assert answer.status_code == 200 and "/auth/sign-in" in answer.text
    assert client.get("/other").headers["location"] == "/"


def test_a_session_ends_after_its_idle_time_and_never_outlives_its_hard_end(tmp_path, monkeypatch):
    store = SessionStore(tmp_path / "s.sqlite3", idle_seconds=60)
    clock = [1_000_000.0]
    monkeypatch.setattr("web.sessions.time.time", lambda: clock[0])
    idle = store.create({"token": "t"})
    capped = store.create({"token": "t"}, hard_end=clock[0] + 90)
    clock[0] += 50
    assert store.get(idle.id) and store.get(capped.id)  # each use moves the idle end on...
    clock[0] += 50
    assert store.get(idle.id) is not None and store.get(capped.id) is None  # ...but not past the hard end
    clock[0] += 61
    assert store.get(idle.id) is None


def test_an_upload_larger_than_its_bound_is_refused_before_it_is_read(web):
    client, app, _identity = web
    _signed_in(app, client)
    answer = client.post("/applicant/documents", content=b"x" * (6 * 1024 * 1024),
                         headers={"Content-Type": "application/octet-stream"})
    assert answer.status_code == 413
