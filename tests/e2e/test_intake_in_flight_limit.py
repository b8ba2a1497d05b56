"""Intake's filing door has a bound on requests in flight (ZC_MAX_IN_FLIGHT): over it a filing is
answered 503 OVERLOADED with Retry-After at once and nothing of it is stored; the rest of the
service keeps answering, and once the door has room the same filing goes through it. On a real
intake process with its own database and topics, its limit set to one."""
from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg
import httpx
import pytest

from plumbing.settings import with_database
from tests.conftest import DATABASE_URL
from tests.e2e.api import applicant_token, submit_body, with_new_id
from tests.e2e.test_rate_limits_and_start_up import lone_service
from tests.fixtures.builders import ID_NUMBER, normal_applicant


@pytest.fixture(scope="module")
def door():
    with lone_service("intake", ZC_MAX_IN_FLIGHT="1") as (url, database):
        yield url, database


async def _stored(database: str, needle: str) -> int:
    """Events and idempotency keys that name `needle` (the filing's id or its key)."""
    conn = await asyncpg.connect(with_database(DATABASE_URL, database))
    try:
        return (await conn.fetchval("SELECT count(*) FROM events WHERE stream_id LIKE '%' || $1 || '%'", needle)
                + await conn.fetchval("SELECT count(*) FROM idempotency_keys WHERE key LIKE '%' || $1 || '%'", needle))
    finally:
        await conn.close()


async def _hold(url: str, headers: dict) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes]:
    """A filing request that stays in flight: its headers and the start of its body are sent, the
    rest is returned for later (a raw connection: an HTTP client would not send them in order with
    the other requests)."""
    address = httpx.URL(url)
    reader, writer = await asyncio.open_connection(address.host, address.port)
    body = b'{"application_id": "not a filing"}'
    head = "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Host": f"{address.host}:{address.port}",
                                                 "Content-Type": "application/json",
                                                 "Content-Length": str(len(body))}.items())
    writer.write(f"POST /applications HTTP/1.1\r\n{head}\r\n".encode() + body[:10])
    await writer.drain()
    return reader, writer, body[10:]


async def test_a_filing_over_the_in_flight_limit_gets_503_overloaded_and_nothing_of_it_is_stored(door):
    url, database = door
    app = with_new_id(normal_applicant())
    key = f"in-flight-{uuid.uuid4()}"
    headers = {**applicant_token(ID_NUMBER), "Idempotency-Key": key}
    reader, writer, rest = await _hold(url, applicant_token(ID_NUMBER))
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            # a probe that stores nothing either way, until the server has read the held request's headers
            probe = f"{url}/applications/{uuid.uuid4()}/withdrawal"
            for _ in range(100):
                answer = await client.post(probe, json={}, headers=applicant_token(ID_NUMBER))
                if answer.status_code == 503:
                    break
                await asyncio.sleep(0.1)
            assert answer.status_code == 503, answer.text

            refused = await client.post(f"{url}/applications", json=submit_body(app, ID_NUMBER), headers=headers)
            assert refused.status_code == 503
            body = refused.json()
            assert body["code"] == "OVERLOADED" and body["message_zh"] and body["message_en"]
            assert int(refused.headers["Retry-After"]) >= 1
            assert await _stored(database, str(app.application_id)) == 0
            assert await _stored(database, key) == 0
            assert (await client.get(f"{url}/healthz")).status_code == 200  # only the filing door is bounded

            writer.write(rest)  # the held request completes and is answered: it was served, not dropped
            await writer.drain()
            status_line = await asyncio.wait_for(reader.readline(), 30)
            assert status_line.split()[1] == b"422"
            # its answer is on the wire a moment before its place is given back: room comes, boundedly
            for _ in range(50):
                again = await client.post(f"{url}/applications", json=submit_body(app, ID_NUMBER), headers=headers)
                if again.status_code != 503:
                    break
                await asyncio.sleep(0.1)
    finally:
        writer.close()
    assert again.status_code != 503, again.text  # the door has room again: the same filing is taken up
    assert json.loads(again.text).get("code") != "OVERLOADED"
