"""Tokens: what a person's token must carry, and the development secrets."""
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.envelope import Role
from plumbing.edges.auth import DEV_JWT_SECRET, MAX_HOURS, Unauthenticated, mint_token, read_token
from plumbing.runtime import refuse_dev_secrets, refuse_unauthenticated_kafka
from plumbing.settings import ServiceSettings

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
NOW = datetime.now(UTC).replace(microsecond=0)  # PyJWT checks exp and nbf against the real clock


def _bearer(**claims) -> str:
    return "Bearer " + jwt.encode({k: v for k, v in claims.items() if v is not None}, SECRET)


def _claims(**changes) -> dict:
    base = {"role": "unit", "sub": "u1", "iat": NOW, "exp": NOW + timedelta(hours=1), "aud": "zhicheng"}
    return {**base, **changes}


def test_a_minted_token_is_read_back_with_its_role():
    claims = read_token(SECRET, "Bearer " + mint_token(SECRET, role=Role.UNIT, org="u1", now=NOW), now=NOW)
    assert claims["role"] is Role.UNIT and claims["aud"] == "zhicheng"


@pytest.mark.parametrize("changes", [
    {"exp": None}, {"iat": None}, {"aud": None}, {"sub": None}, {"aud": "elsewhere"}, {"role": "system"},
    {"role": "nobody"}, {"exp": NOW + timedelta(days=3650)}, {"nbf": NOW + timedelta(hours=1)},
    {"iat": NOW + timedelta(hours=1), "exp": NOW + timedelta(hours=2)}, {"exp": NOW - timedelta(minutes=5)}])
def test_tokens_missing_a_claim_or_out_of_bounds_are_refused(changes):
    with pytest.raises(Unauthenticated):
        read_token(SECRET, _bearer(**_claims(**changes)), now=NOW)


@given(st.floats(min_value=MAX_HOURS + 0.02, max_value=24 * 3650))
def test_no_token_lives_longer_than_twelve_hours(hours):
    issued = datetime.now(UTC)
    with pytest.raises(Unauthenticated):
        read_token(SECRET, _bearer(**_claims(iat=issued, exp=issued + timedelta(hours=hours))), now=issued)


def test_no_one_mints_a_system_token_or_a_long_one():
    with pytest.raises(ValueError):
        mint_token(SECRET, role=Role.SYSTEM)
    with pytest.raises(ValueError):
        mint_token(SECRET, role=Role.AUDITOR, hours=13)


def test_a_service_refuses_the_development_secret_unless_the_development_flag_is_set():
    with pytest.raises(SystemExit, match="ZC_JWT_SECRET"):
        refuse_dev_secrets(ServiceSettings(jwt_secret=DEV_JWT_SECRET, person_ref_secret="real", dev_mode=False))
    refuse_dev_secrets(ServiceSettings(jwt_secret=DEV_JWT_SECRET, dev_mode=True))
    refuse_dev_secrets(ServiceSettings(jwt_secret=SECRET, person_ref_secret="real", dev_mode=False))


def test_a_service_without_kafka_credentials_starts_only_in_development(monkeypatch, tmp_path):
    monkeypatch.setenv("ZC_KAFKA_CREDENTIALS", str(tmp_path / "none"))
    monkeypatch.delenv("ZC_KAFKA_USER", raising=False)
    with pytest.raises(SystemExit, match="no Kafka credentials for 'intake'"):
        refuse_unauthenticated_kafka(ServiceSettings(service="intake", dev_mode=False))
    assert refuse_unauthenticated_kafka(ServiceSettings(service="intake", dev_mode=True)) is True
    (tmp_path / "creds").write_text("intake=a-password\n")
    monkeypatch.setenv("ZC_KAFKA_CREDENTIALS", str(tmp_path / "creds"))
    assert refuse_unauthenticated_kafka(ServiceSettings(service="intake", dev_mode=False)) is False
