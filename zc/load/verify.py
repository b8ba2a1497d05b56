"""Did every accepted filing reach its expected state, with each expected SMS sent exactly once?
Read from the services' own databases (review's case_view, notify's deliveries and sms_log)."""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

import asyncpg

from zc.load.people import Fate


@dataclass
class Verdict:
    checked: int = 0
    reached: int = 0
    wrong_stage: list[str] = field(default_factory=list)
    wrong_sms: list[str] = field(default_factory=list)
    duplicate_sms: int = 0
    first_sms_at: dict[str, float] = field(default_factory=dict)  # application id -> epoch seconds

    @property
    def ok(self) -> bool:
        return self.checked == self.reached and not self.duplicate_sms


async def verify(review_dsn: str, notify_dsn: str, fates: dict[str, str]) -> Verdict:
    ids = [uuid.UUID(i) for i in fates]
    review, notify = await asyncpg.connect(review_dsn), await asyncpg.connect(notify_dsn)
    try:
        cases = {str(r["application_id"]): (r["stage"], r["revision"]) for r in await review.fetch(
            "SELECT application_id, stage, revision FROM case_view WHERE application_id = ANY($1)", ids)}
        sms = await notify.fetch(
            "SELECT d.application_id, d.template, s.sent_at FROM deliveries d JOIN sms_log s USING (dedup_key)"
            " WHERE d.application_id = ANY($1) ORDER BY s.sent_at", ids)
    finally:
        await review.close()
        await notify.close()
    sent: dict[str, list[str]] = {}
    verdict = Verdict(checked=len(fates))
    for row in sms:
        app = str(row["application_id"])
        sent.setdefault(app, []).append(row["template"])
        verdict.first_sms_at.setdefault(app, row["sent_at"].timestamp())
    for app, fate_name in fates.items():
        fate = Fate(fate_name)
        templates = sent.get(app, [])
        verdict.duplicate_sms += sum(n - 1 for n in Counter(templates).values())
        stage_ok = cases.get(app) == fate.expected_stage()
        sms_ok = Counter(templates) == Counter(fate.expected_sms())
        verdict.reached += stage_ok and sms_ok
        if not stage_ok:
            verdict.wrong_stage.append(f"{app} {fate.value}: {cases.get(app)}")
        if not sms_ok:
            verdict.wrong_sms.append(f"{app} {fate.value}: {templates}")
    return verdict
