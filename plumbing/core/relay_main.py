"""Run one outbox relay on its own: `python -m plumbing.core.relay_main DSN BOOTSTRAP [BATCH]`.
Services run the relay inside their process; this entry exists for operators and the crash test."""
import asyncio
import sys

from plumbing.logging import configure
from plumbing.core.relay import OutboxRelay

if __name__ == "__main__":
    configure("relay", json=True)
    dsn, bootstrap = sys.argv[1], sys.argv[2]
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    asyncio.run(OutboxRelay(dsn, bootstrap, batch=batch, idle_wait=0.2).run())
