"""Review's analytics key is a key of its own: the public development key only in development, and
never the person_ref key."""
import pytest

from plumbing.settings import ServiceSettings
from services.review.bootstrap import DEV_ANALYTICS_KEY, analytics_key


def test_the_development_key_is_refused_outside_development(monkeypatch):
    monkeypatch.delenv("ZC_ANALYTICS_KEY_SECRET", raising=False)
    with pytest.raises(SystemExit, match="ZC_ANALYTICS_KEY_SECRET"):
        analytics_key(ServiceSettings(service="review", dev_mode=False))
    assert analytics_key(ServiceSettings(service="review", dev_mode=True)) == DEV_ANALYTICS_KEY


def test_the_person_ref_key_or_the_operator_ref_key_is_refused_as_the_analytics_key(monkeypatch):
    monkeypatch.setenv("ZC_ANALYTICS_KEY_SECRET", "a-real-person-ref-key")
    monkeypatch.setenv("ZC_PERSON_REF_SECRET", "a-real-person-ref-key")
    with pytest.raises(SystemExit, match="must not be the person_ref key"):
        analytics_key(ServiceSettings(service="review", dev_mode=True))
    monkeypatch.setenv("ZC_PERSON_REF_SECRET", "another")
    with pytest.raises(SystemExit, match="must not be the person_ref key"):
        analytics_key(ServiceSettings(service="review", operator_ref_secret="a-real-person-ref-key"))
    monkeypatch.setenv("ZC_ANALYTICS_KEY_SECRET", "dev-only-person-ref-key")
    with pytest.raises(SystemExit, match="must not be the person_ref key"):
        analytics_key(ServiceSettings(service="review", dev_mode=True))
    monkeypatch.setenv("ZC_ANALYTICS_KEY_SECRET", "a-key-of-its-own")
    assert analytics_key(ServiceSettings(service="review")) == "a-key-of-its-own"
