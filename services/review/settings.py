"""review's own settings, beside the shared ones.

| variable | default | meaning |
|---|---|---|
| ZC_REVIEW_SWEEP_INTERVAL_SECONDS | 60 | how often cases past their stage deadline are closed (a periodic job) |
| ZC_ANALYTICS_KEY_SECRET | (development key under ZC_DEV_MODE) | review's own key for the analysts' feed's pseudonymous keys (bootstrap.analytics_key) |
"""
from __future__ import annotations

from pydantic import Field

from plumbing.settings import ServiceSettings


class ReviewSettings(ServiceSettings):
    service: str = "review"
    review_sweep_interval_seconds: float = Field(default=60.0, gt=0)
    analytics_key_secret: str = ""
    # ZC_PERSON_REF_SECRET as given (the shared settings clear it in review): the analytics key must
    # not be it, wherever it can be seen.
    person_ref_secret_as_given: str = Field(default="", validation_alias="ZC_PERSON_REF_SECRET", exclude=True)
