"""The analysts' feed writer: one `CaseChange` (contracts/analytics.py) per state change of a case,
queued in review's outbox in the transaction of the events that caused it. An adapter: it wraps the
store's append (a Recorder) and writes the outbox in the append's own transaction, so it sits beside
the other PostgreSQL adapters, and no use case or reaction holds its SQL.

`append_to_feed` is the one function; `FeedingRecorder` calls it after every append to a case
stream (decisions over HTTP, the sweep, the reactions), so no path that changes a case can skip
it. The message names the application and the applicant by keys made with review's analytics key
(`ZC_ANALYTICS_KEY_SECRET`, never the person_ref key): analysts can count and follow a case
without being able to reverse or join it.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass

from contracts import topics
from contracts.analytics import MESSAGE_TYPE, CaseChange
from contracts.envelope import Envelope
from contracts.events import Payload
from contracts.plan import PlanRegistry
from contracts.registry import decode_payload
from plumbing.core.application import Recorder
from services.review.domain.analytics import outcome_of
from services.review.domain.case import LEVEL_OF_STAGE, Case
from services.review.domain.streams import CASE
from services.review.domain.transitions import evolve_stream

CASE_PREFIX = CASE  # domain/streams.py


def pseudonym(secret: str, kind: str, value: str) -> str:
    """A keyed, one-way name for `value` (HMAC-SHA-256, truncated to 128 bits)."""
    return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Feed:
    secret: str  # review's analytics key
    plans: PlanRegistry  # the city's name of each case's own plan


_CONTEXT = "SELECT plan_id, plan_version, failing_rules FROM feed_context WHERE application_id = $1"
_QUEUE = ("INSERT INTO outbox (event_id, topic, key, raw, headers)"
          " SELECT NULL, $1, key, raw::jsonb, $3::jsonb FROM unnest($2::text[], $4::text[]) AS m(key, raw)")


async def append_to_feed(conn, feed: Feed, stream_id: str, stored: Sequence[Envelope]) -> int:
    """Queue one feed message per state change among `stored` (just appended to `stream_id`, in
    `conn`'s transaction). Returns how many were queued."""
    if not stored or not stream_id.startswith(CASE_PREFIX):
        return 0
    # A retried append returns the events an earlier transaction stored: their messages are queued already.
    if not await conn.fetchval("SELECT tx_id = pg_current_xact_id() FROM events WHERE event_id = $1",
                               stored[0].event_id):
        return 0
    rows = await conn.fetch("SELECT event_type, schema_version, payload::text AS payload FROM events"
                            " WHERE stream_id = $1 AND stream_version < $2 ORDER BY stream_version",
                            stream_id, stored[0].stream_version)
    case = None
    for row in rows:
        case = evolve_stream(case, decode_payload(row["event_type"], row["schema_version"], json.loads(row["payload"])))
    messages = []
    for envelope in stored:
        event = decode_payload(envelope.event_type, envelope.schema_version, envelope.payload)
        before, case = case, evolve_stream(case, event)
        if isinstance(case, Case) and (named := outcome_of(event)):
            messages.append(await _message(conn, feed, envelope, before if isinstance(before, Case) else None,
                                           case, *named))
    if messages:
        await conn.execute(_QUEUE, topics.analytics_cases(), [m.case_key for m in messages],
                           json.dumps({"message_type": MESSAGE_TYPE, "schema_version": CaseChange.schema_version}),
                           [m.to_message().decode() for m in messages])
    return len(messages)


async def _message(conn, feed: Feed, envelope: Envelope, before: Case | None, after: Case, outcome: str,
                   reasons: list[str]) -> CaseChange:
    context = await conn.fetchrow(_CONTEXT, after.application_id)
    summary = after.summary
    failing = list(context["failing_rules"]) if context else sorted(c.code for c in after.checks if not c.passed)
    # the plan of the assessment review noted, else the case's own (CaseOpened records it)
    plan_id, plan_version = (context["plan_id"], context["plan_version"]) if context else (after.plan_id,
                                                                                         after.plan_version)
    return CaseChange(
        message_id=envelope.event_id, case_key=pseudonym(feed.secret, "case", str(after.application_id)),
        applicant_key=pseudonym(feed.secret, "applicant", summary.person_ref), sequence=envelope.stream_version,
        plan_id=plan_id, plan_version=plan_version,
        city=feed.plans.get(plan_id, plan_version).city_zh if (plan_id, plan_version) in feed.plans else "",
        area=summary.unit_area,
        unit_kind=summary.unit_kind, specialty=summary.specialty, route_declared=summary.route.value,
        route_used=after.route_used.value if after.route_used else None, revision=after.revision,
        change=envelope.event_type, from_stage=before.stage.value if before else None, stage=after.stage.value,
        level=_level(after), outcome=outcome, reason_codes=reasons, eligibility_outcome=after.outcome.value,
        failing_rules=failing, season_time=envelope.occurred_at, recorded_time=envelope.recorded_at)


def _level(case: Case) -> str | None:
    level = LEVEL_OF_STAGE.get(case.stage)
    return level.value if level else None


class FeedingRecorder(Recorder):
    """Review's recorder: every append to a case stream also queues its feed messages, in the
    append's transaction (one is opened when the caller gave none)."""

    def __init__(self, store, *, topic: str, actor, feed: Feed) -> None:
        super().__init__(store, topic=topic, actor=actor)
        self.feed = feed

    async def save(self, stream_id: str, payloads: Sequence[Payload], *, conn=None, **kwargs) -> list[Envelope]:
        if not stream_id.startswith(CASE_PREFIX):
            return await super().save(stream_id, payloads, conn=conn, **kwargs)
        if conn is None:
            async with self.store.pool.acquire() as own, own.transaction():
                return await self.save(stream_id, payloads, conn=own, **kwargs)
        async with conn.transaction():
            stored = await super().save(stream_id, payloads, conn=conn, **kwargs)
            await append_to_feed(conn, self.feed, stream_id, stored)
        return stored
