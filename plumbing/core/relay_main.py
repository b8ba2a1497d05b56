"""Run one outbox relay on its own: `python -m plumbing.core.relay_main DSN BOOTSTRAP [BATCH]`.
Services run the relay inside their process; this entry exists for operators and the crash test
(`ZC_RELAY_CRASH_AFTER=N`: exit hard after publishing N rows, before marking them)."""
import asyncio
import sys

from pydantic_settings import BaseSettings, SettingsConfigDict

from plumbing.core.relay import OutboxRelay
from plumbing.logging import configure


class RelaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZC_", extra="ignore")

    relay_crash_after: int = 0


if __name__ == "__main__":
    configure("relay", json=True)
    dsn, bootstrap = sys.argv[1], sys.argv[2]
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    asyncio.run(OutboxRelay(dsn, bootstrap, batch=batch, idle_wait=0.2,
                            crash_after=RelaySettings().relay_crash_after).run())
