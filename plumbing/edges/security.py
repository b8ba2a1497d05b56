"""The one security dependency of every HTTP route: a verified person's token with an allowed role.

`caller(*roles)` is used as a FastAPI dependency (`Security`), so OpenAPI declares the bearer
scheme on the route, and `x-roles` lists the roles it admits (`install_roles_in_openapi`). After
authentication the caller's rate limit is taken (plumbing/edges/ratelimit.py). No route but the health
probes and the API docs is reachable without it (tests/e2e/test_trust_boundaries_http.py).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from fastapi import FastAPI, Request, Security
from fastapi.openapi.utils import get_openapi
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contracts.envelope import Role
from contracts.errors import Forbidden
from plumbing.edges.auth import Unauthenticated, service_audience, verify_service_token, verify_token

PERSON_ROLES = frozenset(r for r in Role if r is not Role.SYSTEM)
_bearer = HTTPBearer(auto_error=False, description="A person's role token (JWT EdDSA, `zc token` locally)")


@dataclass(frozen=True)
class Caller:
    role: Role
    org: str = ""
    area: str = ""
    uid: str = ""  # the opaque account id the issuer put in the token: what events record
    name: str = ""  # the display name, for the staff directory only; never recorded in an event
    person_ref: str = ""

    @property
    def key(self) -> str:
        """Who this is, for rate limits and Idempotency-Key scope."""
        return hashlib.sha256("\x1f".join((self.role.value, self.org, self.uid, self.person_ref)).encode()).hexdigest()


def verify(settings, authorization: str | None) -> Caller:
    """The one verification of a request's `Authorization` header (plumbing/edges/auth.py's), used
    by the authenticate-first middleware and by every route's dependency: Unauthenticated (401) or
    who is calling. A service token (its own audience) is one of the platform's processes: the
    caller has the `system` role, which only `service_caller` routes admit."""
    try:
        claims = verify_token(settings.token_public_key, authorization, audience=settings.jwt_audience)
    except Unauthenticated:
        if not _names_audience(authorization, service_audience(settings.jwt_audience)):
            raise
        service = verify_service_token(settings.token_public_key, authorization, audience=settings.jwt_audience)
        return Caller(role=Role.SYSTEM, org=service, uid=f"service:{service}")
    return Caller(role=claims["role"], org=str(claims.get("org") or ""), area=str(claims.get("area") or ""),
                  uid=claims["uid"], name=str(claims.get("name") or ""),
                  person_ref=str(claims.get("person_ref") or ""))


def caller(*roles: Role):
    allowed = frozenset(roles) or PERSON_ROLES

    async def verified_caller(request: Request,
                              credentials: HTTPAuthorizationCredentials | None = Security(_bearer)) -> Caller:
        settings = request.app.state.runtime.settings
        header = f"Bearer {credentials.credentials}" if credentials else None
        who = verify(settings, header)
        request.app.state.rate_limiter.check(who.key)
        if who.role not in allowed:
            raise Forbidden(f"“{who.role.value}”角色无权访问此接口", f"role {who.role.value} may not call this route",
                            code="ROLE_NOT_ALLOWED")
        request.state.caller = who
        if (on_caller := getattr(request.app.state, "on_caller", None)) is not None:
            await on_caller(who)  # e.g. review's staff directory, fed from the token's `name`
        return who

    # The roles travel as the bearer requirement's scopes, so OpenAPI lists them on every operation.
    return Security(verified_caller, scopes=sorted(r.value for r in allowed))


def _names_audience(authorization: str | None, audience: str) -> bool:
    """Whether the (unverified) token claims this audience: which verifier should judge it."""
    import jwt

    try:
        token = (authorization or "").split(" ", 1)[1].strip()
        claimed = jwt.decode(token, options={"verify_signature": False}).get("aud")
    except (IndexError, jwt.PyJWTError):
        return False
    return claimed == audience or (isinstance(claimed, list) and audience in claimed)


def service_caller(service: str):
    """The dependency of a route that one of the platform's own processes alone may call (a
    service token naming `service`); every person's token is refused there with 403
    ROLE_NOT_ALLOWED, like any role a route does not admit. OpenAPI's `x-roles`: `system`."""

    async def verified_service(request: Request,
                               credentials: HTTPAuthorizationCredentials | None = Security(_bearer)) -> Caller:
        header = f"Bearer {credentials.credentials}" if credentials else None
        who = verify(request.app.state.runtime.settings, header)
        request.app.state.rate_limiter.check(who.key)
        if who.role is not Role.SYSTEM or who.org != service:
            raise Forbidden(f"“{who.role.value}”角色无权访问此接口", f"role {who.role.value} may not call this route",
                            code="ROLE_NOT_ALLOWED")
        request.state.caller = who
        return who

    return Security(verified_service, scopes=[Role.SYSTEM.value])


def install_roles_in_openapi(app: FastAPI) -> None:
    """Each operation's `x-roles`: the scopes of its bearer requirement, i.e. who may call it."""

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for requirement in operation.get("security", []):
                    operation["x-roles"] = sorted(set(operation.get("x-roles", [])) | set(requirement.get("HTTPBearer", [])))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
