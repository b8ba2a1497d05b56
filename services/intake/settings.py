"""intake's own settings, beside the shared ones.

| variable | default | meaning |
|---|---|---|
| ZC_PERSONAL_DATA_MASTER_KEY | (none; the development key only under ZC_DEV_MODE) | 32 bytes in base64: wraps each person's data key (adapters/vault.py) |
"""
from __future__ import annotations

from plumbing.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    service: str = "intake"
    personal_data_master_key: str | None = None
