"""Fresh Ed25519 key pairs for tests: an issuer that is not this platform's, or a real (non-development) key."""
from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def fresh_key_pair() -> tuple[str, str]:
    """(private PEM, public PEM)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def hmac_signed(claims: dict, secret: str) -> str:
    """An HS256 JWT signed with any text, PEM keys included (PyJWT itself refuses to use a PEM as an
    HMAC secret, which is exactly the algorithm-confusion forgery a verifier must refuse)."""
    import base64
    import hashlib
    import hmac
    import json

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def plain(value):
        return int(value.timestamp()) if hasattr(value, "timestamp") else value

    signing_input = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + part(
        json.dumps({k: plain(v) for k, v in claims.items()}).encode())
    return signing_input + "." + part(hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest())
