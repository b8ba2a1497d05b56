"""An auditor settles a dispute on a running stack of its own: one application's timeline merged
from the four services, a passing `zc audit verify` (signed checkpoints, audit topic), and a
tampered row in review's database named by it."""
from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg
import httpx
import pytest
from typer.testing import CliRunner

from contracts.envelope import Role
from plumbing.core.eventstore import GENESIS_HASH, all_stored, chain_hash
from plumbing.settings import with_database
from tests.conftest import DATABASE_URL
from tests.e2e.api import applicant_token, get_json, submit_body, token, with_approved_archive, with_new_id
from tests.e2e.conftest import SERVICES, Stack, running
from tests.fixtures.builders import ID_NUMBER, normal_applicant
from zc.cli import app as zc

OPINION = "材料真实完整，同意推荐"


@pytest.fixture(scope="module")
def audit_stack(tmp_path_factory):
    """A stack of its own, set up like `make up`'s: a season clock the demo can move (a file), the
    sweep and the reminders run often, and the demo operator's duty mobile for the kq-hr bureau."""
    from plumbing import clock
    from tests.e2e.conftest import SEASON_START
    from zc.contacts_cmd import SHIPPED

    folder = tmp_path_factory.mktemp("audit-stack")
    clock_file, contacts = folder / "season-clock", folder / "department-contacts.json"
    clock.set_season_time(clock_file, SEASON_START)
    departments = json.loads(SHIPPED.read_text(encoding="utf-8"))
    departments["kq-hr"] = {**departments.get("kq-hr", {}), "sms_mobile": "13905750012"}
    contacts.write_text(json.dumps(departments, ensure_ascii=False), encoding="utf-8")
    s = Stack(tag="au")
    s.env.update(ZC_AUDIT_CHECKPOINT_SECONDS="1", ZC_CLOCK_FILE=str(clock_file), ZC_REVIEW_SWEEP_INTERVAL_SECONDS="2",
                 ZC_NOTIFY_REMINDER_INTERVAL_SECONDS="2", ZC_NOTIFY_DEPARTMENT_CONTACTS=str(contacts))
    s.clock_file = clock_file
    with running(s) as started:
        yield started


@pytest.fixture
def as_auditor(audit_stack, monkeypatch):
    """The CLI pointed at this stack: its ports and its topic prefix."""
    for name in SERVICES:
        monkeypatch.setenv(f"ZC_{name.upper()}_PORT", str(audit_stack.ports[name]))
    monkeypatch.setenv("ZC_TOPIC_PREFIX", audit_stack.prefix)
    monkeypatch.setenv("ZC_DEV_MODE", "1")
    return audit_stack


def zc_audit(*args: str):
    return CliRunner().invoke(zc, ["audit", *args])


def verify(stack, service: str):
    return zc_audit("verify", "--service", service, "--dsn", with_database(DATABASE_URL, stack.databases[service]),
                    "--json")


@pytest.fixture(scope="module")
def disputed(audit_stack):
    """One application filed, assessed, passed by its unit and told by SMS."""
    async def season():
        app = with_new_id(normal_applicant())
        unit = token(Role.UNIT, org=app.unit.unit_id, area=app.unit.area)
        async def eventually(probe, timeout=60):
            for _ in range(int(timeout / 0.3)):
                if found := await probe():
                    return found
                await asyncio.sleep(0.3)
            raise AssertionError("not reached")

        async with httpx.AsyncClient(timeout=30) as client:
            app = await with_approved_archive(client, audit_stack, app, ID_NUMBER, eventually)
            filed = await client.post(f"{audit_stack.url('intake')}/applications", json=submit_body(app, ID_NUMBER),
                                      headers=applicant_token(ID_NUMBER))
            assert filed.status_code == 201, filed.text
            await eventually(lambda: get_json(client, f"{audit_stack.url('review')}/cases/{app.application_id}", unit))
            passed = await client.post(f"{audit_stack.url('review')}/cases/{app.application_id}/unit-pass",
                                       json={"opinion": OPINION}, headers=unit)
            assert passed.status_code == 200, passed.text

            async def sms_sent():
                status = await get_json(client, f"{audit_stack.url('notify')}/notifications/{app.application_id}")
                return any(d["template"] == "passed_unit" and d["status"] == "sent"
                           for d in (status or {}).get("deliveries", []))
            await eventually(sms_sent)
        return app
    return asyncio.run(season())


def test_the_timeline_merges_the_four_services_parts_causes_first(as_auditor, disputed):
    shown = zc_audit("timeline", str(disputed.application_id), "--json")
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.output)["timeline"]
    what = [r["what"] for r in rows]
    assert what.index("ApplicationSubmitted") < what.index("EligibilityAssessed") < what.index("CaseOpened")
    assert what.index("CaseOpened") < what.index("UnitApproved") < what.index("NotificationSent")
    by_id = {r["id"]: n for n, r in enumerate(rows)}
    assert all(by_id[c] < n for n, r in enumerate(rows) for c in r["caused_by"] if c in by_id)
    approved = next(r for r in rows if r["what"] == "UnitApproved")
    assert approved["who"]["role"] == "unit" and OPINION in approved["detail"]
    assert approved["who"]["name"] == "reviewer"  # from review's staff directory, a recorded read
    assert approved["season_at"].startswith("2020-") and approved["recorded_at"] != approved["season_at"]
    assert "rules passed" in next(r for r in rows if r["what"] == "EligibilityAssessed")["detail"]
    sms = [r for r in rows if r["what"] == "SMS" and "passed_unit" in r["detail"]]
    assert sms and "sent after 1 attempt" in sms[0]["detail"]
    assert {r["service"] for r in rows} == set(SERVICES)
    table = zc_audit("timeline", str(disputed.application_id))
    assert table.exit_code == 0 and "UnitApproved" in table.output


def test_the_state_at_a_past_moment_is_folded_from_history_with_the_services_code_and_the_recorded_plan(
        as_auditor, disputed):
    from datetime import datetime, timedelta

    rows = json.loads(zc_audit("timeline", str(disputed.application_id), "--json").output)["timeline"]
    passed_at = datetime.fromisoformat(next(r for r in rows if r["what"] == "UnitApproved")["season_at"])

    def state(at: datetime) -> dict:
        shown = zc_audit("state", str(disputed.application_id), "--at", at.isoformat(), "--json")
        assert shown.exit_code == 0, shown.output
        return json.loads(shown.output)

    before = state(passed_at - timedelta(microseconds=1))
    assert before["stage"] == "at_unit" and before["last_decision"] is None
    assert before["deadline_running"] == {"level": "unit", "acts_until": "2020-08-20"}
    assert not any(s["template"] == "passed_unit" for s in before["sms"])
    after = state(passed_at + timedelta(minutes=10))
    assert after["stage"] == "awaiting_notice" and after["last_decision"]["what"] == "UnitApproved"
    assert after["last_decision"]["reason"] == OPINION and after["last_decision"]["by"]["role"] == "unit"
    assert after["plan"] == {"plan_id": "zj-sx-2020-zgj", "version": "2020.1"}
    assert any(s["template"] == "passed_unit" for s in after["sms"])
    assert after["events_folded"] > before["events_folded"]
    nothing = zc_audit("state", str(disputed.application_id), "--at", "2020-08-01")
    assert nothing.exit_code == 1
    table = zc_audit("state", str(disputed.application_id), "--at", (passed_at + timedelta(minutes=10)).isoformat())
    assert table.exit_code == 0 and "awaiting_notice" in table.output


def test_only_an_auditor_may_read_a_services_part_of_the_timeline(audit_stack, disputed):
    url = f"{audit_stack.url('review')}/audit/applications/{disputed.application_id}"
    unit = token(Role.UNIT, org=disputed.unit.unit_id, area=disputed.unit.area)
    assert httpx.get(url, headers=unit).status_code == 403
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers=token(Role.AUDITOR, user="a1")).status_code == 200


def test_staff_acting_in_any_services_part_are_named_from_reviews_directory_each_resolution_a_recorded_read(
        as_auditor, disputed):
    """`zc audit timeline` asks review for the names of staff it finds acting in intake's,
    eligibility's or notify's part (GET /audit/staff-names): auditors only, staff only, recorded."""
    from plumbing.edges.dev_issuer import bearer

    rows = json.loads(zc_audit("timeline", str(disputed.application_id), "--json").output)["timeline"]
    reviewer = next(r for r in rows if r["what"] == "UnitApproved")["who"]["user"]
    applicant = next(r for r in rows if r["what"] == "ApplicationSubmitted")["who"]["user"]
    url = f"{as_auditor.url('review')}/audit/staff-names"
    query = {"application_id": str(disputed.application_id), "uid": [reviewer, applicant, "acct-nobody"]}
    account = f"acct-names-{uuid.uuid4().hex[:8]}"
    answer = httpx.get(url, params=query, headers=bearer(Role.AUDITOR, uid=account), timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["staff_names"] == {reviewer: "reviewer"}  # applicants and strangers are never named
    assert [(r["service"], r["what"], r["subject"]) for r in reads_json(as_auditor, "--by", account)] == [
        ("review", "staff names", str(disputed.application_id))]
    unit = token(Role.UNIT, org=disputed.unit.unit_id, area=disputed.unit.area)
    assert httpx.get(url, params=query, headers=unit, timeout=30).status_code == 403
    assert httpx.get(url, params={**query, "uid": ["a b"]}, headers=bearer(Role.AUDITOR, uid=account),
                     timeout=30).status_code == 422


def test_every_services_log_verifies_against_its_signed_checkpoints_and_the_audit_topic(as_auditor, disputed):
    for service in SERVICES:
        for _ in range(60):  # the first checkpoint is signed a second after start, then each second
            checked = verify(as_auditor, service)
            report = json.loads(checked.output)[0] if checked.exit_code in (0, 1) else None
            if report and report["checkpoints"] and not report["findings"] and not report["pending"]:
                break
            asyncio.run(asyncio.sleep(0.5))
        assert checked.exit_code == 0, checked.output
        assert report["intact"] and report["checkpoints"] >= 1 and report["events"] >= 1


AUDITOR_ACCOUNT = "acct-auditor-e2e"


def test_every_read_of_personal_data_is_recorded_before_the_answer_and_listed_by_person_and_account(
        as_auditor, disputed):
    from plumbing.edges.dev_issuer import bearer

    auditor = bearer(Role.AUDITOR, uid=AUDITOR_ACCOUNT, name="审计员")
    app_id = disputed.application_id
    for service, path in (("intake", f"/applications/{app_id}"), ("review", f"/cases/{app_id}/history"),
                          ("notify", f"/notifications/{app_id}")):
        assert httpx.get(f"{as_auditor.url(service)}{path}", headers=auditor).status_code == 200
    rows = reads_json(as_auditor, "--by", AUDITOR_ACCOUNT)
    assert {(r["service"], r["what"], r["subject"]) for r in rows} == {
        ("intake", "application file", str(app_id)), ("review", "case page", str(app_id)),
        ("notify", "SMS texts", str(app_id))}
    assert {r["route"] for r in rows} >= {"/cases/{application_id}/history", "/applications/{application_id}"}
    from contracts import topics
    from plumbing.core.audit_verify import read_audit_topic
    from plumbing.edges.kafka_security import AUDITOR, client_kwargs
    from tests.conftest import KAFKA

    async def relayed():  # each read also went to the audit topic, through the outbox
        for _ in range(100):
            found = {(r["service"], r["what"]) for r in await read_audit_topic(KAFKA, topics.audit(), client_kwargs(AUDITOR))
                     if r.get("record") == "PersonalDataRead" and r.get("account") == AUDITOR_ACCOUNT}
            if len(found) == 3:
                return found
            await asyncio.sleep(0.3)
        return found
    assert asyncio.run(relayed()) == {("intake", "application file"), ("review", "case page"), ("notify", "SMS texts")}
    person = rows[0]["person_refs"][0]
    about = reads_json(as_auditor, "--person", person)
    assert {r["account"] for r in about} >= {AUDITOR_ACCOUNT}
    assert all(person in r["person_refs"] for r in about)


def reads_json(stack, *args: str) -> list[dict]:
    """`zc audit reads` on each of this stack's databases (named per test session)."""
    rows = []
    for service in SERVICES:
        shown = zc_audit("reads", *args, "--service", service, "--dsn",
                         with_database(DATABASE_URL, stack.databases[service]), "--json")
        assert shown.exit_code == 0, shown.output
        rows += json.loads(shown.output)
    return rows


def test_the_read_log_is_append_only_and_a_read_it_cannot_record_is_refused(as_auditor, disputed):
    from plumbing.edges.dev_issuer import bearer

    async def review_db(sql: str):
        conn = await asyncpg.connect(with_database(DATABASE_URL, as_auditor.databases["review"]))
        try:
            return await conn.execute(sql)
        finally:
            await conn.close()
    for change in ("UPDATE personal_data_reads SET account = 'x'", "DELETE FROM personal_data_reads",
                   "TRUNCATE personal_data_reads"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            asyncio.run(review_db(change))
    asyncio.run(review_db("ALTER TABLE personal_data_reads ADD CONSTRAINT e2e_full CHECK (false) NOT VALID"))
    try:
        refused = httpx.get(f"{as_auditor.url('review')}/cases/{disputed.application_id}/history",
                            headers=bearer(Role.AUDITOR, uid=AUDITOR_ACCOUNT))
        assert refused.status_code == 503 and refused.json()["code"] == "READ_NOT_RECORDED"
        assert "case" not in refused.json() and refused.json()["message_zh"]
    finally:
        asyncio.run(review_db("ALTER TABLE personal_data_reads DROP CONSTRAINT e2e_full"))


def test_the_departments_contact_look_up_is_a_recorded_read_and_refused_when_it_cannot_be_recorded(
        as_auditor, disputed):
    """GET /reminders shows whom each reminder went to (the departments' and units' names in the
    texts, their masked numbers): recorded before the answer, like every read of personal data."""
    from plumbing.edges.dev_issuer import bearer

    account = f"acct-contacts-{uuid.uuid4().hex[:8]}"
    auditor = bearer(Role.AUDITOR, uid=account)
    shown = httpx.get(f"{as_auditor.url('notify')}/reminders", headers=auditor, timeout=30)
    assert shown.status_code == 200, shown.text
    assert [(r["service"], r["what"], r["subject"], r["route"]) for r in reads_json(as_auditor, "--by", account)] == [
        ("notify", "department contacts", "reminders", "/reminders")]

    async def notify_db(sql: str):
        conn = await asyncpg.connect(with_database(DATABASE_URL, as_auditor.databases["notify"]))
        try:
            return await conn.execute(sql)
        finally:
            await conn.close()
    asyncio.run(notify_db("ALTER TABLE personal_data_reads ADD CONSTRAINT e2e_full CHECK (false) NOT VALID"))
    try:
        refused = httpx.get(f"{as_auditor.url('notify')}/reminders", headers=auditor, timeout=30)
        assert refused.status_code == 503 and refused.json()["code"] == "READ_NOT_RECORDED"
        assert "reminders" not in refused.json()
    finally:
        asyncio.run(notify_db("ALTER TABLE personal_data_reads DROP CONSTRAINT e2e_full"))
    assert len(reads_json(as_auditor, "--by", account)) == 1  # the refused read left no row


async def _counts(stack) -> dict:
    """What a rebuild must not change: events, outbox rows (published or not), SMS planned."""
    counts = {}
    for service in SERVICES:
        conn = await asyncpg.connect(with_database(DATABASE_URL, stack.databases[service]))
        try:
            # the services' periodic signed checkpoints go on meanwhile: not the rebuild's doing
            counts[service] = (await conn.fetchval("SELECT count(*) FROM events"),
                               await conn.fetchval("SELECT count(*) FROM outbox"
                                                   " WHERE raw->>'record' IS DISTINCT FROM 'AuditCheckpoint'"),
                               await conn.fetchval("SELECT count(*) FROM deliveries") if service == "notify" else 0)
        finally:
            await conn.close()
    return counts


def _quiet_counts(stack) -> dict:
    """The counts once the stack has finished what it was doing (two reads a second apart agree)."""
    last = asyncio.run(_counts(stack))
    for _ in range(60):
        asyncio.run(asyncio.sleep(1))
        if (now := asyncio.run(_counts(stack))) == last:
            return now
        last = now
    raise AssertionError("the stack never went quiet")


@pytest.fixture(scope="module")
def demo_season(audit_stack, disputed):
    """The season `make up` runs (zc/demo/season.py, the same code): four units authorised, eight
    applicants, every story the demo tells (passed, returned and resubmitted, ineligible, an objection,
    interviews passed and failed, the fee, a unit's and a department's deadline reminders, a case
    closed overdue by the sweep, a late decision refused), with its clock moves; and before it one
    application returned by its unit and never corrected, so an open return is in intake's
    `open_returns` at the end (the demo's only return is answered)."""
    from tests.e2e.season import named
    from tests.fixtures.builders import normal_applicant
    from tests.e2e.api import filer
    from zc.demo import client as demo_client
    from zc.demo import season as demo

    async def left_returned(client: httpx.AsyncClient) -> None:
        app = named(normal_applicant(), "退回未改")
        _name, id_number = filer(app)
        unit = token(Role.UNIT, org=app.unit.unit_id, area=app.unit.area)

        async def eventually(probe, timeout=60):
            return await demo_client.until(probe, timeout=timeout, what="the open return")
        app = await with_approved_archive(client, audit_stack, app, id_number, eventually)
        filed = await client.post(f"{audit_stack.url('intake')}/applications", json=submit_body(app, id_number),
                                  headers=applicant_token(id_number))
        assert filed.status_code == 201, filed.text
        await eventually(lambda: get_json(client, f"{audit_stack.url('review')}/cases/{app.application_id}", unit))
        returned = await client.post(f"{audit_stack.url('review')}/cases/{app.application_id}/return", headers=unit,
                                     json={"reason": "请补充业绩证明材料", "sections": [
                                         {"section": "papers", "reason": "论文检索证明缺失"}]})
        assert returned.status_code == 200, returned.text

        async def open_return():
            found = await get_json(client, f"{audit_stack.url('intake')}/applications/{app.application_id}",
                                   applicant_token(id_number))
            return bool(found and found.get("open_return"))
        await eventually(open_return)

    async def run() -> demo.Season:
        async with httpx.AsyncClient(timeout=30) as client:
            await left_returned(client)
            season = demo.Season(client, lambda _said: None)
            await season.run()
            return season

    with pytest.MonkeyPatch.context() as patch:
        for name in SERVICES:
            patch.setenv(f"ZC_{name.upper()}_PORT", str(audit_stack.ports[name]))
        patch.setattr(demo_client, "CLOCK_FILE", audit_stack.clock_file)
        return asyncio.run(run())


def zc_audit_replay(stack, name: str = "review.case_view"):
    return CliRunner().invoke(zc, ["replay", name, "--dsn", with_database(DATABASE_URL, stack.databases[name.split(".")[0]])])


# Columns not compared, and why. A rebuild applies the records again today, so a column that says
# when this process applied a record (DEFAULT now()) differs; a serial column (the order rows were
# written in) is compared by rank, since a fresh table numbers its rows from 1 in the same order.
WHEN_APPLIED = {"authorised_units": {"authorised_at"}, "waiting_cases": {"updated_at"},
                "known_applications": {"filed_at", "seen_at"}, "reminders": {"created_at"}}
BY_RANK = {"notification_failures": "seq"}
# Tables a demo season may leave empty, and why the comparison still means something there.
MAY_BE_EMPTY = {
    "notification_failures": "every recipient of the demo can take an SMS; the fold is the same code as reminders'",
    "waiting_cases": "the season ends with every case decided or closed by the sweep: nobody waits, and the rebuild "
                     "must have removed each case as it left; the rows of waiting cases are compared before the "
                     "season (test_while_a_case_waits_...)",
}


async def _table(stack, service: str, table: str) -> list[dict]:
    conn = await asyncpg.connect(with_database(DATABASE_URL, stack.databases[service]))
    try:
        order = f" ORDER BY {BY_RANK[table]}" if table in BY_RANK else ""
        rows = [dict(r) for r in await conn.fetch(f"SELECT * FROM {table}{order}")]
    finally:
        await conn.close()
    shown = []
    for rank, row in enumerate(rows):
        if table in BY_RANK:
            row[BY_RANK[table]] = rank
        shown.append({k: v for k, v in row.items() if k not in WHEN_APPLIED.get(table, ())})
    return sorted(shown, key=repr) if table not in BY_RANK else shown


def _tables_of(name: str) -> list[str]:
    from zc.read_models import STORE_FED, TOPIC_FED

    return STORE_FED[name][2] if name in STORE_FED else TOPIC_FED[name].tables


def test_while_a_case_waits_its_reviewer_rebuilt_from_the_topics_is_the_live_one_row_for_row(as_auditor, disputed):
    live = asyncio.run(_table(as_auditor, "notify", "waiting_cases"))
    assert any(r["application_id"] == disputed.application_id for r in live)
    rebuilt = zc_audit_replay(as_auditor, "notify.waiting_cases")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert asyncio.run(_table(as_auditor, "notify", "waiting_cases")) == live


def test_every_read_model_rebuilt_after_the_demo_season_is_the_live_one_row_for_row_and_nothing_else_changes(
        as_auditor, demo_season):
    from zc.read_models import known

    counted = _quiet_counts(as_auditor)
    for name in known():
        service = name.split(".")[0]
        live = {t: asyncio.run(_table(as_auditor, service, t)) for t in _tables_of(name)}
        rebuilt = zc_audit_replay(as_auditor, name)
        assert rebuilt.exit_code == 0, (name, rebuilt.output)
        assert "rebuilt and swapped in" in rebuilt.output
        for table, rows in live.items():
            assert asyncio.run(_table(as_auditor, service, table)) == rows, f"{name}: {table}"
            assert rows or table in MAY_BE_EMPTY, f"{name}: {table} is empty, the comparison would prove nothing"
    assert asyncio.run(_counts(as_auditor)) == counted  # nothing appended, published or planned
    # The live service goes on writing the swapped-in tables (review's projection, here).
    entry_id = f"ach-{uuid.uuid4().hex[:12]}"
    person = next(iter(demo_season.people))
    added = httpx.post(f"{as_auditor.url('review')}/archive", headers=applicant_token(person.id_number), timeout=30,
                       json={"entry_id": entry_id, "unit_id": person.application.unit.unit_id, "title": "补充业绩",
                             "achieved_on": "2019-06-01"})
    assert added.status_code == 201, added.text

    async def entry_in_view():
        for _ in range(100):
            if any(r["entry_id"] == entry_id for r in await _table(as_auditor, "review", "archive_view")):
                return True
            await asyncio.sleep(0.3)
        return False
    assert asyncio.run(entry_in_view())


def test_an_auditor_copies_a_topic_from_offset_zero_into_a_scratch_database(as_auditor, disputed):
    from tests.integration_support import db_name, drop_database

    scratch = db_name("scratch")

    async def create():
        conn = await asyncpg.connect(with_database(DATABASE_URL, "postgres"))
        try:
            await conn.execute(f'CREATE DATABASE "{scratch}"')
        finally:
            await conn.close()

    async def published():
        review = await asyncpg.connect(with_database(DATABASE_URL, as_auditor.databases["review"]))
        try:
            return {r["event_id"] for r in await review.fetch(
                "SELECT event_id FROM outbox WHERE topic = $1 AND published_at IS NOT NULL",
                f"{as_auditor.prefix}.review.cases.v1")}
        finally:
            await review.close()

    async def copied():
        conn = await asyncpg.connect(with_database(DATABASE_URL, scratch))
        try:
            return ({r["event_id"] for r in await conn.fetch("SELECT event_id FROM replayed")},
                    await conn.fetchval("SELECT count(*) FROM replayed"))
        finally:
            await conn.close()

    asyncio.run(create())
    try:
        into = with_database(DATABASE_URL, scratch)
        before = asyncio.run(published())  # acknowledged by Kafka before the copy starts
        first = zc_audit("replay-topic", "review", "--from-beginning", "--into", into)
        assert first.exit_code == 0, first.output
        ids, rows = asyncio.run(copied())
        assert ids >= before and len(before) >= 5 and rows >= len(before)
        again = zc_audit("replay-topic", "review", "--into", into)  # after what it holds: nothing new
        assert again.exit_code == 0 and "copied 0 records" in again.output
        assert zc_audit("replay-topic", "zc.intake.personal-data.v1".replace("zc", as_auditor.prefix),
                        "--into", into).exit_code == 2
    finally:
        asyncio.run(drop_database(scratch))


def test_a_case_event_rewritten_in_reviews_database_is_named_by_verify(as_auditor, disputed):
    stream = f"case-{disputed.application_id}"

    async def tamper():
        conn = await asyncpg.connect(with_database(DATABASE_URL, as_auditor.databases["review"]))
        try:
            await conn.execute("UPDATE events SET payload = jsonb_set(payload, '{opinion}', '\"不同意\"')"
                               " WHERE stream_id = $1 AND event_type = 'UnitApproved'", stream)
            prev = GENESIS_HASH
            for stored in sorted(await all_stored(conn, stream), key=lambda s: s.envelope.stream_version):
                prev_for, prev = prev, chain_hash(prev, stored.envelope)
                await conn.execute("UPDATE events SET prev_hash = $3, hash = $4 WHERE stream_id = $1"
                                   " AND stream_version = $2", stream, stored.envelope.stream_version, prev_for, prev)
        finally:
            await conn.close()
    asyncio.run(tamper())
    checked = verify(as_auditor, "review")
    assert checked.exit_code == 1
    findings = json.loads(checked.output)[0]["findings"]
    assert any(f["stream_id"] == stream and f["what"] == "rewritten" for f in findings)
    assert any(f["what"] == "checkpoint-mismatch" for f in findings)
    shown = zc_audit("verify", "--service", "review", "--dsn",
                     with_database(DATABASE_URL, as_auditor.databases["review"]))
    assert shown.exit_code == 1 and f"first broken link: {stream}" in shown.output and "BROKEN" in shown.output
    one = zc_audit("verify", "--service", "review", "--stream", stream, "--json", "--dsn",
                   with_database(DATABASE_URL, as_auditor.databases["review"]))
    assert one.exit_code == 1 and {f["stream_id"] for f in json.loads(one.output)[0]["findings"]} == {stream}
    other = zc_audit("verify", "--service", "review", "--stream", f"unit-{disputed.unit.unit_id}", "--dsn",
                     with_database(DATABASE_URL, as_auditor.databases["review"]))
    assert other.exit_code == 0, other.output
