"""Tokens: signed by the issuer's private key, verified with its public key; what a token must carry."""
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.envelope import Role
from plumbing.edges.auth import (DEV_PERSON_REF_SECRET, DEV_TOKEN_PUBLIC_KEY, MAX_HOURS, Unauthenticated, issue_token,
                                 verify_token)
from plumbing.runtime import refuse_dev_secrets, refuse_unauthenticated_kafka
from plumbing.settings import ServiceSettings
from tests.keys import fresh_key_pair, hmac_signed

PRIVATE, PUBLIC = fresh_key_pair()
NOW = datetime.now(UTC).replace(microsecond=0)  # PyJWT checks exp and nbf against the real clock


def _bearer(key: str = PRIVATE, algorithm: str = "EdDSA", **claims) -> str:
    kept = {k: v for k, v in claims.items() if v is not None}
    return "Bearer " + (jwt.encode(kept, key, algorithm=algorithm) if algorithm == "EdDSA" else hmac_signed(kept, key))


def _claims(**changes) -> dict:
    base = {"role": "unit", "sub": "acct-1", "uid": "acct-1", "iat": NOW, "exp": NOW + timedelta(hours=1),
            "aud": "zhicheng"}
    return {**base, **changes}


def test_an_issued_token_is_verified_with_the_public_key_and_carries_an_account_id_not_the_name():
    claims = verify_token(PUBLIC, "Bearer " + issue_token(PRIVATE, role=Role.UNIT, org="u1", name="王建国", now=NOW),
                          now=NOW)
    assert claims["role"] is Role.UNIT and claims["aud"] == "zhicheng" and claims["name"] == "王建国"
    assert claims["uid"].startswith("acct-") and claims["sub"] == claims["uid"] and "王" not in claims["uid"]


def test_the_account_id_is_stable_per_person_and_differs_between_people():
    uid = lambda name, org="u1": verify_token(PUBLIC, "Bearer " + issue_token(PRIVATE, role=Role.UNIT, org=org,  # noqa: E731
                                                                               name=name))["uid"]
    assert uid("王建国") == uid("王建国") != uid("李四") and uid("王建国") != uid("王建国", org="u2")
    given_uid = issue_token(PRIVATE, role=Role.AUDITOR, uid="platform-account-7", name="x")
    assert verify_token(PUBLIC, "Bearer " + given_uid)["uid"] == "platform-account-7"


@pytest.mark.parametrize("changes", [
    {"exp": None}, {"iat": None}, {"aud": None}, {"sub": None}, {"uid": None}, {"uid": ""}, {"aud": "elsewhere"},
    {"role": "system"}, {"role": "nobody"}, {"exp": NOW + timedelta(days=3650)}, {"nbf": NOW + timedelta(hours=1)},
    {"iat": NOW + timedelta(hours=1), "exp": NOW + timedelta(hours=2)}, {"exp": NOW - timedelta(minutes=5)}])
def test_tokens_missing_a_claim_or_out_of_bounds_are_refused(changes):
    with pytest.raises(Unauthenticated):
        verify_token(PUBLIC, _bearer(**_claims(**changes)), now=NOW)


def test_a_token_signed_with_anything_but_the_issuers_private_key_is_refused():
    other_private, _ = fresh_key_pair()
    signed_with = {
        "another Ed25519 key": _bearer(other_private, **_claims()),
        "the public key as an HMAC secret": _bearer(PUBLIC, "HS256", **_claims()),
        "the person_ref key": _bearer(DEV_PERSON_REF_SECRET, "HS256", **_claims()),
        "the old shared secret": _bearer("dev-only-jwt-secret-change-me-in-production", "HS256", **_claims()),
        "no signature": "Bearer " + jwt.encode(_claims(), None, algorithm="none"),
        "the issuer's own key as an HMAC secret": _bearer(PRIVATE, "HS256", **_claims()),
    }
    for what, header in signed_with.items():
        with pytest.raises(Unauthenticated):
            verify_token(PUBLIC, header, now=NOW)
            pytest.fail(f"accepted a token signed with {what}")


@given(st.floats(min_value=MAX_HOURS + 0.02, max_value=24 * 3650))
def test_no_token_lives_longer_than_twelve_hours(hours):
    issued = datetime.now(UTC)
    with pytest.raises(Unauthenticated):
        verify_token(PUBLIC, _bearer(**_claims(iat=issued, exp=issued + timedelta(hours=hours))), now=issued)


def test_no_one_issues_a_system_token_or_a_long_one():
    with pytest.raises(ValueError):
        issue_token(PRIVATE, role=Role.SYSTEM)
    with pytest.raises(ValueError):
        issue_token(PRIVATE, role=Role.AUDITOR, hours=13)


def test_a_service_refuses_the_development_key_unless_the_development_flag_is_set():
    with pytest.raises(SystemExit, match="ZC_TOKEN_PUBLIC_KEY"):
        refuse_dev_secrets(ServiceSettings(service="eligibility", token_public_key=DEV_TOKEN_PUBLIC_KEY, dev_mode=False))
    refuse_dev_secrets(ServiceSettings(service="eligibility", token_public_key=DEV_TOKEN_PUBLIC_KEY, dev_mode=True))
    refuse_dev_secrets(ServiceSettings(service="eligibility", token_public_key=PUBLIC, dev_mode=False))


def test_each_key_stays_with_its_one_holder_and_eligibility_and_notify_start_without_either():
    for service in ("eligibility", "notify"):
        held = ServiceSettings(service=service, token_public_key=PUBLIC, dev_mode=False)
        assert (held.person_ref_secret, held.operator_ref_secret) == ("", "")
        refuse_dev_secrets(held)
    intake = ServiceSettings(service="intake", person_ref_secret="p" * 32, operator_ref_secret="o" * 32, dev_mode=False)
    review = ServiceSettings(service="review", person_ref_secret="p" * 32, operator_ref_secret="o" * 32, dev_mode=False)
    assert (intake.person_ref_secret, intake.operator_ref_secret) == ("p" * 32, "")
    assert (review.person_ref_secret, review.operator_ref_secret) == ("", "o" * 32)
    with pytest.raises(SystemExit, match="review must not hold ZC_PERSON_REF_SECRET"):
        refuse_dev_secrets(review.model_copy(update={"token_public_key": PUBLIC}))
    with pytest.raises(SystemExit, match="eligibility must not hold ZC_OPERATOR_REF_SECRET"):
        refuse_dev_secrets(ServiceSettings(service="eligibility", token_public_key=PUBLIC, operator_ref_secret="o" * 32,
                                           dev_mode=False))


@pytest.mark.parametrize("length, refused", [(31, True), (32, False)])
def test_a_secret_shorter_than_32_bytes_is_refused_outside_development(length, refused):
    settings = ServiceSettings(service="intake", token_public_key=PUBLIC, person_ref_secret="k" * length,
                               dev_mode=False)
    if refused:
        with pytest.raises(SystemExit, match="ZC_PERSON_REF_SECRET shorter than 32 bytes"):
            refuse_dev_secrets(settings)
    else:
        refuse_dev_secrets(settings)
    refuse_dev_secrets(settings.model_copy(update={"dev_mode": True}))


def test_a_service_without_kafka_credentials_starts_only_in_development(monkeypatch, tmp_path):
    monkeypatch.setenv("ZC_KAFKA_CREDENTIALS", str(tmp_path / "none"))
    monkeypatch.delenv("ZC_KAFKA_USER", raising=False)
    with pytest.raises(SystemExit, match="no Kafka credentials for 'intake'"):
        refuse_unauthenticated_kafka(ServiceSettings(service="intake", dev_mode=False))
    assert refuse_unauthenticated_kafka(ServiceSettings(service="intake", dev_mode=True)) is True
    (tmp_path / "creds").write_text("intake=a-password\n")
    monkeypatch.setenv("ZC_KAFKA_CREDENTIALS", str(tmp_path / "creds"))
    assert refuse_unauthenticated_kafka(ServiceSettings(service="intake", dev_mode=False)) is False
