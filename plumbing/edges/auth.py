"""Signed role tokens (HS256 JWT) for people: role, organisation, area, user, person_ref.

What a token must carry to be accepted (ARCHITECTURE.md "Trust boundaries"): `sub`, `role`, `iat`,
`exp` at most MAX_HOURS after `iat` and after now, `aud` = this platform's audience, and `nbf`
(if present) in the past. `system` is never a person's role: no HTTP route accepts it, and
`mint_token` refuses to sign it.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from contracts.envelope import Role
from contracts.errors import Refused

AUDIENCE = "zhicheng"
MAX_HOURS = 12
LEEWAY_SECONDS = 30  # clock skew between the login platform and us
DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-in-production"
DEV_PERSON_REF_SECRET = "dev-only-person-ref-key"


class Unauthenticated(Refused):
    status = 401
    code = "UNAUTHENTICATED"


def mint_token(secret: str, *, role: Role | str, org: str = "", area: str = "", user: str = "",
               person_ref: str = "", hours: float = MAX_HOURS, now: datetime | None = None,
               audience: str = AUDIENCE) -> str:
    role = Role(role)
    if role is Role.SYSTEM:
        raise ValueError("a person's token never carries the system role")
    if not 0 < hours <= MAX_HOURS:
        raise ValueError(f"a token lives at most {MAX_HOURS} hours")
    issued = now or datetime.now(UTC)
    claims = {"role": str(role), "org": org, "area": area, "sub": user or org or str(role),
              "person_ref": person_ref, "iat": issued, "nbf": issued, "exp": issued + timedelta(hours=hours),
              "aud": audience}
    return jwt.encode(claims, secret, algorithm="HS256")


def _invalid() -> Unauthenticated:
    return Unauthenticated("访问令牌无效或已过期", "invalid or expired token")


def read_token(secret: str, authorization: str | None, *, audience: str = AUDIENCE,
               now: datetime | None = None) -> dict:
    """The verified claims of a `Bearer <jwt>` header, or Unauthenticated (401)."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthenticated("请先登录（缺少访问令牌）", "missing bearer token")
    try:
        claims = jwt.decode(authorization.split(" ", 1)[1].strip(), secret, algorithms=["HS256"], audience=audience,
                            leeway=LEEWAY_SECONDS,
                            options={"require": ["exp", "iat", "sub", "role", "aud"], "verify_iat": True})
        claims["role"] = Role(claims["role"])
        issued, expires = float(claims["iat"]), float(claims["exp"])
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        raise _invalid() from None
    moment = (now or datetime.now(UTC)).timestamp()
    longest = MAX_HOURS * 3600 + LEEWAY_SECONDS
    if claims["role"] is Role.SYSTEM or expires - issued > longest or expires - moment > longest \
            or issued > moment + LEEWAY_SECONDS or not isinstance(claims["sub"], str):
        raise _invalid()
    return claims


def dev_secrets_in_use(jwt_secret: str, person_ref_secret: str) -> list[str]:
    return [name for name, value, dev in (("ZC_JWT_SECRET", jwt_secret, DEV_JWT_SECRET),
                                          ("ZC_PERSON_REF_SECRET", person_ref_secret, DEV_PERSON_REF_SECRET))
            if value == dev]
