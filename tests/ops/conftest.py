"""One supervised stack (four services + fake SMS provider under supervisord) for the operations
tests, in databases and topics of its own. These tests run last (see tests/conftest.py): they kill
processes and restart this worktree's PostgreSQL and Kafka."""
from __future__ import annotations

import asyncio

import pytest

from zc.chaos.stack import ChaosStack


@pytest.fixture(scope="session")
def supervised(request):
    stack = ChaosStack()
    stack.start()
    try:
        yield stack
    finally:
        # The processes' logs stay (infra/.run/chaos-<id>/) when an operations test failed.
        asyncio.run(stack.stop(keep_logs=request.session.testsfailed > 0))
