"""review's own settings, beside the shared ones.

| variable | default | meaning |
|---|---|---|
| ZC_REVIEW_SWEEP_INTERVAL_SECONDS | 60 | how often cases past their stage deadline are closed (a periodic job) |
"""
from __future__ import annotations

from pydantic import Field

from plumbing.settings import ServiceSettings


class ReviewSettings(ServiceSettings):
    service: str = "review"
    review_sweep_interval_seconds: float = Field(default=60.0, gt=0)
