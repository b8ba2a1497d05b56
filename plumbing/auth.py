"""Signed role tokens (HS256 JWT): role, organisation, area, user, person_ref."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from contracts.envelope import Role
from contracts.errors import Refused


class Unauthenticated(Refused):
    status = 401
    code = "UNAUTHENTICATED"


def mint_token(secret: str, *, role: Role | str, org: str = "", area: str = "", user: str = "",
               person_ref: str = "", hours: int = 12, now: datetime | None = None) -> str:
    issued = now or datetime.now(UTC)
    claims = {"role": str(Role(role)), "org": org, "area": area, "sub": user or org or str(role),
              "person_ref": person_ref, "iat": issued, "exp": issued + timedelta(hours=hours)}
    return jwt.encode(claims, secret, algorithm="HS256")


def read_token(secret: str, authorization: str | None) -> dict:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthenticated("请先登录（缺少访问令牌）", "missing bearer token")
    try:
        claims = jwt.decode(authorization.split(" ", 1)[1], secret, algorithms=["HS256"])
        claims["role"] = Role(claims["role"])
    except (jwt.PyJWTError, KeyError, ValueError):
        raise Unauthenticated("访问令牌无效或已过期", "invalid or expired token") from None
    return claims
