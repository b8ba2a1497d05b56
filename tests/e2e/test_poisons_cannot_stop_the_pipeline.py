"""The three inputs that used to stop the province's pipeline for good (issue: reliability), each
followed by a fresh application that reaches its review case and its SMS; and a parked outbox row
that turns /readyz red until an operator discards it. Real broker, real databases, four processes."""
from __future__ import annotations

import base64
import os
import subprocess
import sys
import uuid

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from contracts import topics
from contracts.envelope import Role
from plumbing.edges.kafka_security import ADMIN, TOOL_WRITER, client_kwargs
from plumbing.clock import offset_for
from services.intake.domain.validation import person_ref
from tests.conftest import DATABASE_URL, KAFKA
from tests.e2e.api import (PERSON_SECRET, applicant_token, get_json, submit_body, token, with_approved_archive,
                           with_new_id)
from tests.e2e.conftest import LOGS, SEASON_START, _free_port
from tests.fixtures.builders import ID_NUMBER, normal_applicant
from tests.fixtures.photos import photo_bytes
from tests.integration_support import drop_database, read_topic


async def _reaches_case_and_sms(client: httpx.AsyncClient, stack, eventually, *, photo: bytes | None = None) -> None:
    """File a fresh application; it must be assessed, open its case, and its unit's pass must be told by SMS."""
    app = await with_approved_archive(client, stack, with_new_id(normal_applicant()), ID_NUMBER, eventually)
    body = submit_body(app, ID_NUMBER)
    if photo is not None:
        body["photo_base64"] = base64.b64encode(photo).decode()
    filed = await client.post(f"{stack.url('intake')}/applications", json=body, headers=applicant_token(ID_NUMBER))
    assert filed.status_code == 201, filed.text
    unit = token(Role.UNIT, org=app.unit.unit_id, area=app.unit.area)
    url = f"{stack.url('review')}/cases/{app.application_id}"
    await eventually(lambda: get_json(client, url, unit))
    passed = await client.post(f"{url}/unit-pass", json={"opinion": "同意推荐"}, headers=unit)
    assert passed.status_code == 200, passed.text

    async def sms_sent():
        status = await get_json(client, f"{stack.url('notify')}/notifications/{app.application_id}")
        return any(d["template"] == "passed_unit" and d["status"] == "sent" for d in (status or {}).get("deliveries", []))

    await eventually(sms_sent)


async def _produce(value: bytes | None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, max_request_size=2 * 1024 * 1024, **client_kwargs(TOOL_WRITER))
    await producer.start()
    try:
        await producer.send_and_wait(topics.applications(), value, key=str(uuid.uuid4()).encode())
    finally:
        await producer.stop()


async def _letters_about(size: int) -> list[dict]:
    def length(letter: dict):  # a NotificationFailed's letter describes no record
        return (letter.get("value") or {}).get("length")
    records = await read_topic(topics.dead_letter(), timeout=45,
                               done=lambda rs: len([r for r in rs if length(r[1]) == size]) >= 3)
    return [letter for _, letter, _ in records if length(letter) == size]


async def test_oversized_requests_are_refused_at_the_door_and_the_largest_valid_photo_passes(stack, eventually):
    async with httpx.AsyncClient(timeout=60) as client:
        app = with_new_id(normal_applicant())
        body = submit_body(app, ID_NUMBER)
        body["attachments"] = [{"attachment_id": f"a{i}", "kind": "ce_certificate", "year": 2019} for i in range(11_000)]
        many = await client.post(f"{stack.url('intake')}/applications", json=body, headers=applicant_token(ID_NUMBER))
        assert many.status_code == 422 and any(d["field"] == "attachments" for d in many.json()["details"])

        huge_title = await client.post(f"{stack.url('review')}/archive", headers=applicant_token(ID_NUMBER), json={
            "unit_id": app.unit.unit_id, "title": "题" * (10 * 1024 * 1024 // 3), "achieved_on": "2019-01-01"})
        assert huge_title.status_code == 413 and huge_title.json()["code"] == "BODY_TOO_LARGE"
        assert huge_title.json()["message_zh"] and huge_title.json()["message_en"]

        body["attachments"] = []
        body["photo_base64"] = base64.b64encode(b"\xff" * (1024 * 1024)).decode()  # one byte over "< 1 MB"
        too_big_photo = await client.post(f"{stack.url('intake')}/applications", json=body,
                                          headers=applicant_token(ID_NUMBER))
        assert too_big_photo.status_code == 413 and too_big_photo.json()["code"] == "PHOTO_TOO_LARGE"

        history = await client.get(f"{stack.url('intake')}/applications/{app.application_id}",
                                   headers=applicant_token(ID_NUMBER))
        assert history.status_code == 404  # nothing of the refused filings was stored

        largest_valid = photo_bytes() + b"\0" * (1024 * 1024 - 1 - len(photo_bytes()))  # 1,048,575 bytes
        await _reaches_case_and_sms(client, stack, eventually, photo=largest_valid)


async def test_a_record_nested_five_thousand_levels_deep_is_dead_lettered_and_the_pipeline_goes_on(stack, eventually):
    poison = b'{"a":' * 5000 + b"1" + b"}" * 5000
    await _produce(poison)
    letters = await _letters_about(len(poison))
    assert {letter["consumer"].split("-")[0] for letter in letters} == {"eligibility", "review", "notify"}
    assert all(letter["error"].startswith("TOO_DEEP") for letter in letters)
    async with httpx.AsyncClient(timeout=60) as client:
        await _reaches_case_and_sms(client, stack, eventually)


async def test_control_bytes_are_dead_lettered_as_small_descriptions_and_the_pipeline_goes_on(stack, eventually):
    poison = bytes(range(1, 32)) * (200_000 // 31)
    await _produce(poison)
    letters = await _letters_about(len(poison))
    assert {letter["consumer"].split("-")[0] for letter in letters} == {"eligibility", "review", "notify"}
    for letter in letters:  # a description: length, hash and a short preview; never the 200 KB themselves
        assert len(str(letter)) < 4096 and letter["value"]["sha256"] and letter["error"].startswith("NOT_JSON")
    async with httpx.AsyncClient(timeout=60) as client:
        await _reaches_case_and_sms(client, stack, eventually)
        for service in ("intake", "eligibility", "review", "notify"):
            ready = await client.get(f"{stack.url(service)}/readyz")
            assert ready.status_code == 200, ready.text


def _zc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zc.cli", "outbox", *args], capture_output=True, text=True, timeout=60)


async def _known_to_this_intake(dsn: str, app) -> None:
    """This intake has a database of its own and hears no review topic: seed what it would have
    learnt (the unit's authorization, the approved archive entries the application cites)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("INSERT INTO authorised_units (unit_id, unit_name) VALUES ($1, $2)", app.unit.unit_id,
                           app.unit.name)
        for a in app.achievements:
            await conn.execute("INSERT INTO archive_entries (entry_id, person_ref, unit_id, title, achieved_on, status)"
                               " VALUES ($1, $2, $3, $4, $5, 'approved') ON CONFLICT DO NOTHING", a.entry_id,
                               person_ref(ID_NUMBER, PERSON_SECRET), app.unit.unit_id, a.title, a.achieved_on)
    finally:
        await conn.close()


async def test_a_row_kafka_refuses_is_parked_readiness_turns_red_and_discarding_it_turns_it_green(eventually):
    """Its own intake process and topic prefix: the operator has set the applications topic's record
    limit below an application's size, so Kafka refuses the filing's event for good."""
    from plumbing.edges.topics_admin import ensure_topics
    from plumbing.provision import service_database

    prefix, database, port = f"park{uuid.uuid4().hex[:6]}", f"zct_park_{uuid.uuid4().hex[:6]}", _free_port()
    env = dict(os.environ, ZC_TOPIC_PREFIX=prefix, ZC_PORT=str(port), **service_database("intake", database),
               ZC_KAFKA_BOOTSTRAP=KAFKA,
               ZC_STALL_AFTER_SECONDS="1", ZC_STALL_CHECK_SECONDS="1", ZC_LOG_JSON="true",
               ZC_CLOCK_OFFSET_SECONDS=str(offset_for(SEASON_START)), ZC_CLOCK_FILE="")  # filing is open in season
    os.environ["ZC_TOPIC_PREFIX"], saved = prefix, os.environ["ZC_TOPIC_PREFIX"]
    try:
        ensure_topics(KAFKA)
        applications = topics.applications()
    finally:
        os.environ["ZC_TOPIC_PREFIX"] = saved
    admin = KafkaAdminClient(bootstrap_servers=KAFKA, **client_kwargs(ADMIN))
    admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, applications, configs={"max.message.bytes": "2000"})])
    admin.close()
    LOGS.mkdir(parents=True, exist_ok=True)
    intake = subprocess.Popen([sys.executable, "-m", "services.intake"], env=env,
                              stdout=open(LOGS / "intake-parking.log", "ab"), stderr=subprocess.STDOUT)
    url, dsn = f"http://127.0.0.1:{port}", DATABASE_URL.rsplit("/", 1)[0] + f"/{database}"
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            await eventually(lambda: _ok(client, f"{url}/healthz"))
            app = with_new_id(normal_applicant())
            await _known_to_this_intake(dsn, app)
            filed = await client.post(f"{url}/applications", json=submit_body(app, ID_NUMBER),
                                      headers=applicant_token(ID_NUMBER))
            assert filed.status_code == 201, filed.text  # accepted: the event is valid, Kafka's limit is not ours

            async def red_with_reason():
                ready = await client.get(f"{url}/readyz")
                return ready.status_code == 503 and "parked" in ready.json()["checks"]["outbox"] and ready.json()

            red = await eventually(red_with_reason)
            assert "zc outbox parked" in red["checks"]["outbox"]
            listed = _zc("parked", "--dsn", dsn)
            assert listed.returncode == 0 and "ApplicationSubmitted" in listed.stdout, listed.stderr
            outbox_id = next(line.split()[1] for line in listed.stdout.splitlines() if "db:" in line).strip("│ ")
            assert _zc("discard", outbox_id, "--dsn", dsn, "--by", "ops-test").returncode == 0
            assert _zc("discard", outbox_id, "--dsn", dsn).returncode == 1  # nothing parked there any more
            await eventually(lambda: _ok(client, f"{url}/readyz"))
    finally:
        intake.terminate()
        intake.wait(timeout=20)
        await drop_database(database)


async def _ok(client: httpx.AsyncClient, url: str) -> bool:
    try:
        return (await client.get(url)).status_code == 200
    except httpx.HTTPError:
        return False


