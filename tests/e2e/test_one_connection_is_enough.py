"""A request holds at most one PostgreSQL connection at a time: code inside a transaction reads on
the connection it holds and never asks the pool for another. Asking for a second deadlocked intake
under load (the benchmark's season at 12 filings/s: every holder waited for another connection, none
gave its own back, and the filing door stayed shut until a restart). With a pool of one connection
any such request waits for ever, so here intake runs with ZC_DB_POOL_SIZE=1 and must answer."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from plumbing import clock
from tests.e2e.conftest import SEASON_START
from tests.e2e.api import applicant_token, submit_body, with_new_id
from tests.e2e.test_rate_limits_and_start_up import lone_service
from tests.fixtures.builders import ID_NUMBER, normal_applicant


@pytest.fixture(scope="module")
def one_connection_intake():
    with lone_service("intake", ZC_DB_POOL_SIZE="1",
                      ZC_CLOCK_OFFSET_SECONDS=str(clock.offset_for(SEASON_START))) as (url, _):  # filing is open
        yield url


async def test_filings_are_answered_by_an_intake_with_a_single_database_connection(one_connection_intake):
    url = one_connection_intake
    async with httpx.AsyncClient(timeout=20) as client:
        # Several at once, each a fresh application: each reads whether its id is taken, then checks
        # its unit (not authorised here: intake never heard of it) and is refused, storing nothing.
        answers = await asyncio.gather(*(
            client.post(f"{url}/applications", json=submit_body(with_new_id(normal_applicant()), ID_NUMBER),
                        headers={**applicant_token(ID_NUMBER), "Idempotency-Key": f"one-connection-{i}"})
            for i in range(4)))
        for answer in answers:
            assert answer.status_code == 409, answer.text
            assert answer.json()["code"] == "UNIT_NOT_AUTHORIZED" and answer.json()["message_en"]
        assert (await client.get(f"{url}/readyz")).status_code == 200
