"""What happened to each application, read from every service's own database, judged against its Fate.

For an application the load filed, what its Fate expects (`zc/load/people.py`, the benchmark's one
definition) must exist exactly once: each service's events (`Fate.expected_events`), each of the
applicant's SMS (`Fate.expected_sms`: a delivery planned once, sent, and one NotificationSent for
it), and review's case at its final stage (`Fate.expected_stage`); no SMS the Fate does not expect.
Something missing makes an application *incomplete*; something found twice (or unexpected) makes it
*duplicated*. After the settling time an incomplete application is *stuck* when work is still
waiting somewhere (outbox rows, consumer lag, SMS pending, parked rows: see /metrics), and *lost*
when nothing anywhere is left that could still complete it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families

from zc.load.people import Fate
from services.eligibility.domain.streams import ASSESSMENT
from services.intake.domain.streams import APPLICATION
from services.notify.domain.streams import NOTIFICATION
from services.review.domain.streams import CASE

PENDING_GAUGES = ("zc_outbox_pending", "zc_outbox_parked", "zc_consumer_lag")


@dataclass
class Verdict:
    missing: dict[str, list[str]] = field(default_factory=dict)  # application -> effects not there (yet)
    twice: dict[str, list[str]] = field(default_factory=dict)  # application -> effects found more than once

    @property
    def complete(self) -> bool:
        return not self.missing and not self.twice


@dataclass
class Found:
    """What the databases hold for one application."""

    events: Counter = field(default_factory=Counter)  # event type -> count, over every service
    planned: Counter = field(default_factory=Counter)  # SMS template -> notify's delivery rows
    sent: Counter = field(default_factory=Counter)  # SMS template -> delivery rows sent
    notified: Counter = field(default_factory=Counter)  # SMS template -> NotificationSent events
    stage: tuple[str, int] | None = None  # review's case: stage, revision


def judge(fate: Fate, found: Found) -> tuple[list[str], list[str]]:
    """(missing, twice) for one application of this Fate."""
    missing, twice = [], []
    counts = [(event, n, found.events[event]) for event, n in fate.expected_events().items()]
    for template in fate.expected_sms():
        counts += [(f"SMS {template} sent", 1, found.sent[template]),
                   (f"SMS {template} planned", 1, found.planned[template]),
                   (f"NotificationSent {template}", 1, found.notified[template])]
    for name, want, n in counts:
        if n < want:
            missing.append(f"{name} {n}/{want}")
        elif n > want:
            twice.append(f"{name} ×{n}")
    twice += [f"unexpected SMS {t} ×{n}" for t, n in found.planned.items() if n and t not in fate.expected_sms()]
    if found.stage != fate.expected_stage():
        missing.append(f"case at {found.stage}, not {fate.expected_stage()}")
    return missing, twice


async def _rows(dsn: str, sql: str, *args) -> list:
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def read(dsn_of, expected: dict[str, Fate]) -> Verdict:
    ids = list(expected)
    found = {app: Found() for app in ids}
    events = ("SELECT substr(stream_id, length($2) + 1), event_type, count(*) FROM events"
              " WHERE stream_id = ANY(SELECT $2 || x FROM unnest($1::text[]) x) GROUP BY 1, 2")
    for service, prefix in (("intake", APPLICATION), ("eligibility", ASSESSMENT), ("review", CASE)):
        for app, event_type, n in await _rows(dsn_of(service), events, ids, prefix):
            found[app].events[event_type] += n
    for app, template, status, n in await _rows(
            dsn_of("notify"), "SELECT application_id::text, template, status, count(*) FROM deliveries"
            " WHERE application_id::text = ANY($1::text[]) GROUP BY 1, 2, 3", ids):
        found[app].planned[template] += n
        found[app].sent[template] += n if status == "sent" else 0
    for app, template, n in await _rows(
            dsn_of("notify"), "SELECT substr(stream_id, length($2) + 1), payload->>'template', count(*) FROM events"
            " WHERE event_type = 'NotificationSent' AND stream_id = ANY("
            "SELECT $2 || x FROM unnest($1::text[]) x) GROUP BY 1, 2", ids, NOTIFICATION):
        found[app].notified[template] += n
    for app, stage, revision in await _rows(
            dsn_of("review"), "SELECT application_id::text, stage, revision FROM case_view"
            " WHERE application_id::text = ANY($1::text[])", ids):
        found[app].stage = (stage, revision)
    verdict = Verdict()
    for app, fate in expected.items():
        missing, twice = judge(fate, found[app])
        if missing:
            verdict.missing[app] = missing
        if twice:
            verdict.twice[app] = twice
    return verdict


async def work_waiting(urls: list[str]) -> dict[str, float]:
    """Work still queued anywhere, from the services' /metrics; {} when all is quiet."""
    waiting: dict[str, float] = {}
    async with httpx.AsyncClient(timeout=10) as client:
        for url in urls:
            try:
                text = (await client.get(f"{url}/metrics")).text
            except httpx.HTTPError:
                waiting[f"{url} unreachable"] = 1
                continue
            for family in text_string_to_metric_families(text):
                for sample in family.samples:
                    # unknown: waits for an operator (`zc sms resend`), so it is stuck, not lost
                    pending_sms = sample.name == "zc_sms_deliveries" and sample.labels.get("status") in (
                        "pending", "sending", "checking", "unknown")
                    if (sample.name in PENDING_GAUGES or pending_sms) and sample.value > 0:
                        key = f"{sample.name}{{{sample.labels.get('service', '')}}}"
                        waiting[key] = waiting.get(key, 0) + sample.value
    return waiting


async def dead_letters(urls: list[str]) -> float:
    total = 0.0
    async with httpx.AsyncClient(timeout=10) as client:
        for url in urls:
            for family in text_string_to_metric_families((await client.get(f"{url}/metrics")).text):
                total += sum(s.value for s in family.samples if s.name == "zc_dead_letters")
    return total


async def provider_duplicates(sms_url: str) -> int:
    """Messages the fake platform sent more than once for one OutId (a delivery's dedup key). The
    platform promises no idempotence: this counts every second send, which only the status query's
    "failed" (no chaos fault injects one) or an operator's resend may cause."""
    async with httpx.AsyncClient(timeout=10) as client:
        counts = (await client.get(f"{sms_url}/messages")).json()["count_per_key"]
    return sum(n - 1 for n in counts.values() if n > 1)
