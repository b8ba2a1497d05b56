"""The issuer's private key, for development only (`zc token`, the demo, the load generator, tests).

No service imports this module (import-linter contract in pyproject.toml): services hold only the
public key. Production tokens come from the platform's login; a local issuer with a real key pair
reads ZC_TOKEN_PRIVATE_KEY (a PEM or the path of one). This development key is in the repository,
so services refuse its public half unless ZC_DEV_MODE=1.
"""
from __future__ import annotations


from contracts.envelope import Role
from plumbing.edges.auth import issue_token
from plumbing.settings import ProcessSettings

DEV_TOKEN_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIGastl/S9KJAuJxYc1pmxBxzyqeqCeQKQMjgZa9Ep0jz
-----END PRIVATE KEY-----
"""


def issuer_key() -> str:
    return ProcessSettings.current().token_private_key or DEV_TOKEN_PRIVATE_KEY


def dev_token(role: Role | str, **claims) -> str:
    """A token from the configured issuer key (the development key unless ZC_TOKEN_PRIVATE_KEY)."""
    return issue_token(issuer_key(), role=role, **claims)


def bearer(role: Role | str, **claims) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(role, **claims)}"}
