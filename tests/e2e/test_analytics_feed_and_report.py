"""Issue 23: a season through the four running services, the analysts' feed into Parquet with
`zc analytics sink`, and the figures of `zc analytics report`, checked against figures counted
by separate SQL over the services' own event tables (the SQL below shares no code with the feed
writer, the sink or the report).

The season, on a stack of its own (own prefix, databases, ports): eight applicants at one city
unit file on one day; the unit passes five, returns two (continuing-education certificates) and
leaves one; then review's clock moves past the unit deadline (08-20) and its sweep closes all
eight as overdue (the returned ones as not resubmitted in time).
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import shutil
import subprocess
from pathlib import Path

import asyncpg
import httpx
import pyarrow.parquet as pq
import pytest
from stdnum.cn import ric

from contracts import analytics, topics
from contracts.asyncapi import DOCUMENT
from contracts.envelope import Role
from plumbing.settings import with_database
from services.intake.domain.validation import person_ref
from tests.conftest import DATABASE_URL, KAFKA
from tests.e2e.api import PERSON_SECRET, applicant_token, get_json, submit_body, token, with_approved_archive, with_new_id
from tests.e2e.conftest import Stack, running
from tests.e2e.kafka_reads import raw_records
from tests.fixtures.builders import change_in, normal_applicant
from tests.personal_data_scan import Person, scan
from zc.analytics import report, sink

UNIT = "u-sx-analytics"
UNIT_TOKEN = token(Role.UNIT, org=UNIT, area="city")
OPINION = "经审查材料齐全属实同意推荐分析测试"
RETURN_REASON = "缺少继续教育证书分析测试"
SECTION_REASON = "请补充二零一九年继续教育证书分析测试"
AFTER_UNIT_DEADLINE = "2020-08-21T10:00:00+08:00"


def _id_number(i: int) -> str:
    first17 = f"330602{1970 + i}0{i % 9 + 1}1{i}{400 + i:03d}"  # born 1970-01-10, 1971-02-11, ...
    return first17 + ric.calc_check_digit(first17 + "0")


PEOPLE = [Person(name, f"1391234{5600 + i:04d}", _id_number(i)) for i, name in enumerate(
    ["宇文静怡", "令狐建华", "西门雅婷", "独孤志远", "南宫晓燕", "长孙明轩", "公孙丽华", "赫连振宇"])]


@pytest.fixture(scope="module")
def season_stack():
    s = Stack(tag="an")
    s.env["ZC_REVIEW_SWEEP_INTERVAL_SECONDS"] = "1"
    with running(s):
        yield s


async def _rows(stack, service: str, sql: str, *args):
    conn = await asyncpg.connect(with_database(DATABASE_URL, stack.databases[service]))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def _stage(client, stack, app_id) -> str | None:
    found = await get_json(client, f"{stack.url('review')}/cases/{app_id}")
    return found and found["case"]["stage"]


async def _play(client: httpx.AsyncClient, stack, eventually) -> list:
    apps = []
    for person in PEOPLE:
        app = change_in(with_new_id(normal_applicant()), "unit", unit_id=UNIT, name="绍兴分析测试建设有限公司",
                        area="city")
        app = await with_approved_archive(client, stack, app, person.id_number, eventually)
        body = submit_body(app, person.id_number, name=person.name, phone=person.phone)
        answer = await client.post(f"{stack.url('intake')}/applications", json=body,
                                   headers=applicant_token(person.id_number))
        assert answer.status_code == 201, answer.text
        apps.append(app)
    for app in apps:
        await eventually(lambda a=app: _is(client, stack, a.application_id, "at_unit"))
    review = stack.url("review")
    for app in apps[:5]:
        answer = await client.post(f"{review}/cases/{app.application_id}/unit-pass", headers=UNIT_TOKEN,
                                   json={"opinion": OPINION})
        assert answer.status_code == 200, answer.text
    for app in apps[5:7]:
        answer = await client.post(f"{review}/cases/{app.application_id}/return", headers=UNIT_TOKEN, json={
            "reason": RETURN_REASON, "sections": [{"section": "ce_certificates", "reason": SECTION_REASON}]})
        assert answer.status_code == 200, answer.text
    stack.set_season_time(AFTER_UNIT_DEADLINE)  # review's sweep closes every case still waiting
    for app in apps:
        await eventually(lambda a=app: _is(client, stack, a.application_id, "closed_overdue"), timeout=60)
    return apps


async def _is(client, stack, app_id, stage: str) -> bool:
    return await _stage(client, stack, app_id) == stage


async def _feed_published(stack) -> int:
    """The number of feed messages once review's outbox has published them all (0 until then)."""
    rows = await _rows(stack, "review", "SELECT count(*) AS n, count(*) FILTER (WHERE published_at IS NULL) AS waiting"
                                        " FROM outbox WHERE headers->>'message_type' = 'CaseChange'")
    return rows[0]["n"] if rows[0]["waiting"] == 0 else 0


# --- the same figures, counted from the services' event tables (no code shared with the feed) ---

FILINGS_SQL = """
SELECT payload->'application'->'unit'->>'area' AS area, (occurred_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
       count(DISTINCT payload->'application'->>'application_id') AS filings
FROM events WHERE event_type = 'ApplicationSubmitted' GROUP BY 1, 2"""

DECISIONS_SQL = """
SELECT CASE WHEN e.event_type IN ('UnitApproved', 'UnitRejected') THEN 'unit' ELSE e.payload->>'level' END AS level,
       coalesce(o.payload->>'route_used', o.payload->'summary'->>'route') AS route, count(*) AS decisions,
       count(*) FILTER (WHERE e.event_type IN ('UnitApproved', 'DepartmentApproved')) AS passes
FROM events e JOIN events o ON o.stream_id = e.stream_id AND o.event_type = 'CaseOpened'
  AND o.stream_version = (SELECT max(stream_version) FROM events x WHERE x.stream_id = e.stream_id
                          AND x.event_type = 'CaseOpened' AND x.stream_version < e.stream_version)
WHERE e.event_type IN ('UnitApproved', 'UnitRejected', 'DepartmentApproved', 'DepartmentRejected', 'Returned')
GROUP BY 1, 2"""

MISSES_SQL = """
SELECT CASE WHEN payload->>'waiting_for' = 'applicant' THEN 'applicant' ELSE payload->>'level' END AS waiting_for,
       count(DISTINCT payload->>'application_id') AS misses
FROM events WHERE event_type = 'ClosedOverdue' GROUP BY 1"""

RETURNS_SQL = """
SELECT section->>'section' AS reason, count(*) AS returns
FROM events, jsonb_array_elements(payload->'sections') AS section WHERE event_type = 'Returned' GROUP BY 1"""

# Every case of this season has one revision: its time at the unit runs from its opening to the
# first event that took it from the unit level (a return, a "not passed", its closing, the notice's end).
UNIT_TIME_SQL = """
WITH stays AS (
    SELECT stream_id, extract(epoch FROM min(occurred_at) FILTER (WHERE event_type IN
               ('Returned', 'UnitRejected', 'CaseClosed', 'PublicNoticeCompleted'))
           - min(occurred_at) FILTER (WHERE event_type = 'CaseOpened')) / 3600.0 AS hours
    FROM events WHERE stream_id LIKE 'case-%' GROUP BY stream_id)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90,
       count(*) AS n FROM stays"""


async def test_the_season_s_figures_from_the_feed_equal_those_counted_from_the_services_event_tables(
        season_stack, eventually, tmp_path):
    async with httpx.AsyncClient(timeout=30) as client:
        apps = await _play(client, season_stack, eventually)
    # every change of the season: 8 openings, 5 passes, 2 returns, 8 sweeps (ClosedOverdue + CaseClosed)
    assert await eventually(lambda: _feed_published(season_stack)) == 8 + 5 + 2 + 16

    files = tmp_path / "feed"
    first = await asyncio.to_thread(sink.run, files, until_caught_up=True, bootstrap=KAFKA, say=lambda _: None,
                                    prefix=season_stack.prefix)
    messages = await raw_records(topics.analytics_cases(season_stack.prefix))
    assert first.records == 31
    figs = report.figures(files, min_applications=1)  # every figure, to compare (the report withholds small ones)

    filings = {(r["area"], r["day"]): r["filings"] for r in await _rows(season_stack, "intake", FILINGS_SQL)}
    assert {(a, d): n for a, d, n, _ in figs["filings per area per day"].rows} == filings == {
        ("city", next(iter(filings))[1]): 8}

    decisions = {(r["level"], r["route"]): (r["decisions"], r["passes"])
                 for r in await _rows(season_stack, "review", DECISIONS_SQL)}
    assert {(lv, rt): (n, p) for lv, rt, n, p, _rate, _apps in figs["pass rates per level and route"].rows} \
        == decisions == {("unit", "normal"): (7, 5)}

    misses = {r["waiting_for"]: r["misses"] for r in await _rows(season_stack, "review", MISSES_SQL)}
    assert {w: n for w, n, _ in figs["deadline misses"].rows} == misses == {"unit": 6, "applicant": 2}

    returns = {r["reason"]: r["returns"] for r in await _rows(season_stack, "review", RETURNS_SQL)}
    assert {reason: n for reason, n, _ in figs["returns by reason"].rows} == returns == {"ce_certificates": 2}

    unit_time = (await _rows(season_stack, "review", UNIT_TIME_SQL))[0]
    (level, p50, p90, n), = figs["time at each level (hours, season clock)"].rows
    assert (level, n) == ("unit", unit_time["n"]) == ("unit", 8)
    assert p50 == pytest.approx(unit_time["p50"], abs=0.01) and p90 == pytest.approx(unit_time["p90"], abs=0.01)

    # The report as printed withholds every figure computed from fewer than 5 applications.
    printed = report.render(report.figures(files))
    assert "ce_certificates  <5  <5" in printed and "applicant  <5  <5" in printed and "unit  6  6" in printed

    # No one in it: no name, ID number, birth date, phone, person_ref, opinion or reason text, in any
    # message or Parquet file; and the applicant key is neither a person_ref nor a hash of one.
    refs = {person_ref(p.id_number, PERSON_SECRET) for p in PEOPLE}
    texts = [(f"message {k!r}", (k or b"").decode() + " " + (v or b"").decode()) for k, v in messages]
    texts += [(str(path), json.dumps(pq.read_table(path).to_pylist(), default=str, ensure_ascii=False))
              for path in sorted(files.glob("**/*.parquet"))]
    assert len(texts) == 31 + len(first.files)
    assert not scan(texts, PEOPLE)
    secrets = refs | {OPINION, RETURN_REASON, SECTION_REASON, "经核实属实"}
    assert not [(where, s) for where, text in texts for s in secrets if s in text]
    keys = {analytics.read(v).applicant_key for _k, v in messages}
    assert len(keys) == len(PEOPLE)
    assert not keys & (refs | _hashes_of(refs))
    assert {analytics.read(v).case_key for _k, v in messages}.isdisjoint({str(a.application_id) for a in apps})

    # Replaying from offset 0 rewrites the same files with the same rows: nothing twice.
    before = _rows_of(files)
    again = await asyncio.to_thread(sink.run, files, from_beginning=True, until_caught_up=True, bootstrap=KAFKA,
                                    say=lambda _: None, prefix=season_stack.prefix)
    assert again.records == 31 and again.files == first.files
    assert _rows_of(files) == before and len(before) == 31


def _hashes_of(refs: set[str]) -> set[str]:
    out = set()
    for ref in refs:
        for name in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s", "sha3_256"):
            digest = hashlib.new(name, ref.encode()).hexdigest()
            out |= {digest, digest[:32], digest[:16]}
        out.add(hmac.new(PERSON_SECRET.encode(), ref.encode(), hashlib.sha256).hexdigest()[:32])
    return out


def _rows_of(files: Path) -> list[tuple]:
    rows = [json.dumps(r, default=str, sort_keys=True) for p in sorted(files.glob("**/*.parquet"))
            for r in pq.read_table(p).to_pylist()]
    return sorted(rows)


def test_every_service_serves_the_asyncapi_document_and_a_headless_browser_renders_it(season_stack):
    """The viewer's files come from the service itself: Chromium renders the page with no other host."""
    for service in ("intake", "eligibility", "review", "notify"):
        assert httpx.get(f"{season_stack.url(service)}/asyncapi.json").content == DOCUMENT.read_bytes()
    page = httpx.get(f"{season_stack.url('review')}/asyncapi").text
    assert all(src.startswith("/") for src in re.findall(r'(?:src|href)="([^"]+)"', page))
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "headless Chromium is installed by `make test` (infra/browser/chromium.sh)"
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000",
                          "--dump-dom", f"{season_stack.url('review')}/asyncapi"],
                         capture_output=True, text=True, timeout=60).stdout
    assert 'data-rendered="zhicheng topics"' in dom, dom[:500]
