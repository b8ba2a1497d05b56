"""Role tokens for people (EdDSA/Ed25519 JWT): issued with a private key, verified with its public key.

`issue_token` is the one issuer (the platform's login in production; `zc token`, the demo, the load
generator and the tests in development): only it holds the private key. Services hold the public key
only (`ZC_TOKEN_PUBLIC_KEY`), so no service, and nobody who steals a service's files, can sign a
token. `verify_token` accepts EdDSA only: a token signed with anything else (a shared secret, the
public key used as an HMAC key) is refused.

What a token must carry to be accepted (ARCHITECTURE.md "Trust boundaries"): `sub` (the account id),
`uid` (the same opaque account id: what events record as the actor), `role`, `iat`, `exp` at most
MAX_HOURS after `iat` and after now, `aud` = this platform's audience, and `nbf` (if present) in the
past. `name` (a display name) is optional and goes only to the staff directory, never into an event.
`system` is never a person's role: `issue_token` refuses to sign it and `verify_token` refuses it.

A *service token* (`issue_service_token`) is how one of the platform's own processes calls a route
meant for it alone: today only the token service, asking intake for an applicant's `person_ref`
(intake alone holds that key). It is signed with the same issuer key (only the token service holds
it), lives at most SERVICE_TOKEN_SECONDS, names the service in `svc`, and carries an audience of its
own (`<audience>/service`), so a person's token is never one and a service token is never a
person's: each verifier refuses the other's audience.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt

from contracts.envelope import Role
from contracts.errors import Refused

AUDIENCE = "zhicheng"
MAX_HOURS = 12
LEEWAY_SECONDS = 30  # clock skew between the login platform and us
ALGORITHM = "EdDSA"
# The development key pair's public half; its private half is in plumbing/edges/dev_issuer.py, which
# no service imports. Both are in this repository, so a service refuses this key unless ZC_DEV_MODE=1.
DEV_TOKEN_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAgc31E7pItXdUp/oQqPwwsJmXkOiWSnaI6QWRLg+H0wg=
-----END PUBLIC KEY-----
"""
DEV_PERSON_REF_SECRET = "dev-only-person-ref-key"
DEV_OPERATOR_REF_SECRET = "dev-only-operator-ref-key"
MIN_SECRET_BYTES = 32  # outside development a shorter secret is refused


class Unauthenticated(Refused):
    status = 401
    code = "UNAUTHENTICATED"


def key_text(value: str) -> str:
    """A PEM key given inline or as the path of a PEM file (so a key can stay in a 0400 file)."""
    value = value.strip()
    return value if value.startswith("-----BEGIN") else Path(value).read_text()


def account_id(private_key: str, role: Role | str, org: str, name: str) -> str:
    """The opaque account id the issuer gives a person who has none: a keyed hash the issuer alone can
    compute (its key is the private key), stable across tokens, so no one can test a guessed name."""
    digest = hmac.new(key_text(private_key).encode(), "\x1f".join((str(Role(role)), org, name)).encode(),
                      hashlib.sha256).hexdigest()
    return f"acct-{digest[:20]}"


def issue_token(private_key: str, *, role: Role | str, name: str = "", uid: str = "", org: str = "",
                area: str = "", person_ref: str = "", hours: float = MAX_HOURS, now: datetime | None = None,
                audience: str = AUDIENCE) -> str:
    """A signed token for one person. `uid` is the login platform's account id; without one the
    issuer derives it from (role, org, name). `name` travels only as the `name` claim."""
    role = Role(role)
    if role is Role.SYSTEM:
        raise ValueError("a person's token never carries the system role")
    if not 0 < hours <= MAX_HOURS:
        raise ValueError(f"a token lives at most {MAX_HOURS} hours")
    uid = uid or account_id(private_key, role, org, name or person_ref or org or str(role))
    issued = now or datetime.now(UTC)
    claims = {"role": str(role), "org": org, "area": area, "sub": uid, "uid": uid, "name": name,
              "person_ref": person_ref, "iat": issued, "nbf": issued, "exp": issued + timedelta(hours=hours),
              "aud": audience}
    return jwt.encode(claims, key_text(private_key), algorithm=ALGORITHM)


SERVICE_TOKEN_SECONDS = 120
SERVICES_WITH_TOKENS = frozenset({"tokens"})  # the processes a service token may name


def service_audience(audience: str = AUDIENCE) -> str:
    return f"{audience}/service"


def issue_service_token(private_key: str, service: str, *, audience: str = AUDIENCE, seconds: int = 60,
                        now: datetime | None = None) -> str:
    """A short-lived token naming one of the platform's own processes (`svc`), for the routes it alone calls."""
    if service not in SERVICES_WITH_TOKENS:
        raise ValueError(f"no service token for {service!r}")
    if not 0 < seconds <= SERVICE_TOKEN_SECONDS:
        raise ValueError(f"a service token lives at most {SERVICE_TOKEN_SECONDS} seconds")
    issued = now or datetime.now(UTC)
    claims = {"svc": service, "sub": f"service:{service}", "iat": issued, "nbf": issued,
              "exp": issued + timedelta(seconds=seconds), "aud": service_audience(audience)}
    return jwt.encode(claims, key_text(private_key), algorithm=ALGORITHM)


def verify_service_token(public_key: str, authorization: str | None, *, audience: str = AUDIENCE,
                         now: datetime | None = None) -> str:
    """The service a `Bearer <jwt>` service token names, or Unauthenticated (401)."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthenticated("请先登录（缺少访问令牌）", "missing bearer token")
    try:
        claims = jwt.decode(authorization.split(" ", 1)[1].strip(), key_text(public_key), algorithms=[ALGORITHM],
                            audience=service_audience(audience), leeway=LEEWAY_SECONDS,
                            options={"require": ["exp", "iat", "sub", "svc", "aud"]})
        issued, expires, service = float(claims["iat"]), float(claims["exp"]), claims["svc"]
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        raise _invalid() from None
    moment = (now or datetime.now(UTC)).timestamp()
    if service not in SERVICES_WITH_TOKENS or expires - issued > SERVICE_TOKEN_SECONDS + LEEWAY_SECONDS \
            or issued > moment + LEEWAY_SECONDS or claims["sub"] != f"service:{service}":
        raise _invalid()
    return service


def _invalid() -> Unauthenticated:
    return Unauthenticated("访问令牌无效或已过期", "invalid or expired token")


def verify_token(public_key: str, authorization: str | None, *, audience: str = AUDIENCE,
                 now: datetime | None = None) -> dict:
    """The verified claims of a `Bearer <jwt>` header, or Unauthenticated (401)."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthenticated("请先登录（缺少访问令牌）", "missing bearer token")
    try:
        claims = jwt.decode(authorization.split(" ", 1)[1].strip(), key_text(public_key), algorithms=[ALGORITHM],
                            audience=audience, leeway=LEEWAY_SECONDS,
                            options={"require": ["exp", "iat", "sub", "uid", "role", "aud"], "verify_iat": True})
        claims["role"] = Role(claims["role"])
        issued, expires = float(claims["iat"]), float(claims["exp"])
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        raise _invalid() from None
    moment = (now or datetime.now(UTC)).timestamp()
    longest = MAX_HOURS * 3600 + LEEWAY_SECONDS
    if claims["role"] is Role.SYSTEM or expires - issued > longest or expires - moment > longest \
            or issued > moment + LEEWAY_SECONDS or not isinstance(claims["sub"], str) \
            or not isinstance(claims["uid"], str) or not claims["uid"] or not isinstance(claims.get("name", ""), str):
        raise _invalid()
    return claims


def dev_secrets_in_use(token_public_key: str, person_ref_secret: str = "", operator_ref_secret: str = "") -> list[str]:
    return [name for name, value, dev in (("ZC_TOKEN_PUBLIC_KEY", token_public_key, DEV_TOKEN_PUBLIC_KEY),
                                          ("ZC_PERSON_REF_SECRET", person_ref_secret, DEV_PERSON_REF_SECRET),
                                          ("ZC_OPERATOR_REF_SECRET", operator_ref_secret, DEV_OPERATOR_REF_SECRET))
            if value and key_or_value(value) == key_or_value(dev)]


def short_secrets(**secrets: str) -> list[str]:
    """The names of the given secrets that are set but shorter than MIN_SECRET_BYTES."""
    return [name for name, value in secrets.items() if value and len(value.encode()) < MIN_SECRET_BYTES]


def key_or_value(value: str) -> str:
    try:
        return key_text(value).strip()
    except OSError:
        return value.strip()
