"""Only intake holds the person_ref key (issue 18's rule): the token service asks intake for an
applicant's person_ref with a service token of its own. A service token is no person's token and a
person's token is no service token; the front end's processes are given no service's key, and the
token service refuses to start holding one outside development. (The real exchange with intake:
tests/e2e/test_token_service_without_the_key.py.)"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contracts.envelope import Role
from plumbing.edges.auth import (DEV_TOKEN_PUBLIC_KEY, Unauthenticated, issue_service_token, issue_token,
                                 verify_service_token, verify_token)
from plumbing.edges.dev_issuer import DEV_TOKEN_PRIVATE_KEY
from plumbing.edges.security import verify
from zc import supervise

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = SimpleNamespace(token_public_key=DEV_TOKEN_PUBLIC_KEY, jwt_audience="zhicheng")


def test_the_token_services_service_token_is_verified_as_the_system_caller_named_tokens():
    token = issue_service_token(DEV_TOKEN_PRIVATE_KEY, "tokens")
    assert verify_service_token(DEV_TOKEN_PUBLIC_KEY, f"Bearer {token}") == "tokens"
    who = verify(SETTINGS, f"Bearer {token}")
    assert (who.role, who.org, who.uid, who.person_ref) == (Role.SYSTEM, "tokens", "service:tokens", "")


def test_a_service_token_is_no_persons_token_and_a_persons_token_is_no_service_token():
    service = issue_service_token(DEV_TOKEN_PRIVATE_KEY, "tokens")
    with pytest.raises(Unauthenticated):
        verify_token(DEV_TOKEN_PUBLIC_KEY, f"Bearer {service}")
    person = issue_token(DEV_TOKEN_PRIVATE_KEY, role=Role.APPLICANT, uid="acc-1", person_ref="ab" * 32)
    with pytest.raises(Unauthenticated):
        verify_service_token(DEV_TOKEN_PUBLIC_KEY, f"Bearer {person}")
    assert verify(SETTINGS, f"Bearer {person}").role is Role.APPLICANT


def test_a_service_token_for_another_audience_or_service_or_living_long_or_signed_by_another_key_is_refused():
    now = datetime.now(UTC)
    other_key = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    forged = {"svc": "tokens", "sub": "service:tokens", "iat": now, "exp": now + timedelta(seconds=60),
              "aud": "zhicheng/service"}
    refused = [
        issue_service_token(DEV_TOKEN_PRIVATE_KEY, "tokens", audience="elsewhere"),
        issue_service_token(other_key, "tokens"),
        jwt.encode({**forged, "exp": now + timedelta(hours=1)}, DEV_TOKEN_PRIVATE_KEY, algorithm="EdDSA"),
        jwt.encode({**forged, "svc": "web", "sub": "service:web"}, DEV_TOKEN_PRIVATE_KEY, algorithm="EdDSA"),
        jwt.encode({**forged, "exp": now - timedelta(minutes=5)}, DEV_TOKEN_PRIVATE_KEY, algorithm="EdDSA"),
    ]
    for token in refused:
        with pytest.raises(Unauthenticated):
            verify_service_token(DEV_TOKEN_PUBLIC_KEY, f"Bearer {token}")
    with pytest.raises(ValueError):
        issue_service_token(DEV_TOKEN_PRIVATE_KEY, "web")


def test_the_front_ends_processes_are_given_no_services_key(monkeypatch):
    shared = {"ZC_PERSON_REF_SECRET": "k" * 40, "ZC_OPERATOR_REF_SECRET": "o" * 40,
              "ZC_PERSONAL_DATA_MASTER_KEY": "m" * 40, "ZC_DEV_MODE": "1"}
    programs = supervise.front_programs(shared)
    assert {p.name for p in programs} == {"idp", "tokens", "web"}
    for program in programs:
        assert not set(program.env) & {"ZC_PERSON_REF_SECRET", "ZC_OPERATOR_REF_SECRET", "ZC_PERSONAL_DATA_MASTER_KEY"}
        assert program.env["ZC_DEV_MODE"] == "1"


def _tokens_process(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ZC_")}
    return subprocess.run([sys.executable, "-m", "identity", "tokens"], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=60)


def test_a_token_service_holding_the_person_ref_key_is_refused_outside_development():
    key = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    done = _tokens_process({"ZC_TOKEN_PRIVATE_KEY": key, "ZC_PERSON_REF_SECRET": "p" * 40, "ZC_TOKENS_PORT": "1"})
    assert done.returncode != 0
    assert "must not hold ZC_PERSON_REF_SECRET" in done.stderr
