"""What happened to each application, read from every service's own database.

For an application the load filed, the effects that must exist exactly once:
intake's ApplicationSubmitted, eligibility's EligibilityAssessed, review's CaseOpened; and, when
the unit passed it, review's UnitApproved, notify's `passed_unit` delivery, sent, and one
NotificationSent for it. Missing effects make an application *incomplete*; an effect found twice
makes it *duplicated*. After the settling time an incomplete application is *stuck* when work is
still waiting somewhere (outbox rows, consumer lag, SMS pending, parked rows: see /metrics), and
*lost* when nothing anywhere is left that could still complete it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families

from zc.chaos.load import Expected

PENDING_GAUGES = ("zc_outbox_pending", "zc_outbox_parked", "zc_consumer_lag")


@dataclass
class Verdict:
    missing: dict[str, list[str]] = field(default_factory=dict)  # application -> effects not there (yet)
    twice: dict[str, list[str]] = field(default_factory=dict)  # application -> effects found more than once

    @property
    def complete(self) -> bool:
        return not self.missing and not self.twice


async def _counts(dsn: str, sql: str, *args) -> Counter:
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        return Counter({tuple(r)[:-1]: r[-1] for r in await conn.fetch(sql, *args)})
    finally:
        await conn.close()


async def read(dsn_of, expected: dict[str, Expected]) -> Verdict:
    ids = list(expected)
    events = ("SELECT substr(stream_id, length($2) + 1), event_type, count(*) FROM events"
              " WHERE stream_id = ANY(SELECT $2 || x FROM unnest($1::text[]) x) GROUP BY 1, 2")
    found: Counter = Counter()
    for service, prefix in (("intake", "application-"), ("eligibility", "eligibility-"), ("review", "case-")):
        for (app, event_type), n in (await _counts(dsn_of(service), events, ids, prefix)).items():
            found[(app, event_type)] += n
    deliveries = await _counts(dsn_of("notify"), "SELECT application_id::text, template, status, count(*) FROM deliveries"
                               " WHERE application_id::text = ANY($1::text[]) GROUP BY 1, 2, 3", ids)
    sent_events = await _counts(dsn_of("notify"), "SELECT substr(stream_id, 14), payload->>'template', count(*) FROM events"
                                " WHERE event_type = 'NotificationSent' AND stream_id = ANY("
                                "SELECT 'notification-' || x FROM unnest($1::text[]) x) GROUP BY 1, 2", ids)
    verdict = Verdict()
    for app, want in expected.items():
        needed = [("ApplicationSubmitted", found[(app, "ApplicationSubmitted")]),
                  ("EligibilityAssessed", found[(app, "EligibilityAssessed")]),
                  ("CaseOpened", found[(app, "CaseOpened")])]
        if want.unit_passed:
            sms = {status: n for (a, template, status), n in deliveries.items() if a == app and template == "passed_unit"}
            needed += [("UnitApproved", found[(app, "UnitApproved")]), ("SMS passed_unit sent", sms.get("sent", 0)),
                       ("NotificationSent passed_unit", sent_events[(app, "passed_unit")])]
            if sum(sms.values()) > 1:
                needed.append(("SMS passed_unit planned", sum(sms.values())))
        missing = [name for name, n in needed if n == 0]
        twice = [f"{name} ×{n}" for name, n in needed if n > 1]
        twice += [f"SMS {t} ×{n}" for (a, t, _s), n in deliveries.items() if a == app and n > 1 and t != "passed_unit"]
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
                    pending_sms = sample.name == "zc_sms_deliveries" and sample.labels.get("status") == "pending"
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
    """Messages the fake provider delivered more than once for one key (it should never happen)."""
    async with httpx.AsyncClient(timeout=10) as client:
        counts = (await client.get(f"{sms_url}/messages")).json()["count_per_key"]
    return sum(n - 1 for n in counts.values() if n > 1)
