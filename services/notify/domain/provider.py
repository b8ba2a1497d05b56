"""What notify asks of an SMS platform, and how an unanswered send is settled, pure.

Real platforms (Alibaba Cloud's SendSms, Tencent Cloud SMS, a 12333 platform) send a pre-approved
template with parameters, answer a message id, echo an out-of-band id (`OutId`) and promise no
idempotence: a request sent twice is two messages. So a send that got no answer (timed out, answer
lost, notify killed in between) is never simply sent again. The platform's delivery status is
queried by phone number and send date and the listing matched by OutId (the delivery's dedup key):
- listed as sent or waiting for its receipt -> it went out: record it sent, with the message id;
- listed as failed -> the platform says it did not go out: the normal retry policy;
- not listed -> a message sent seconds ago may not be listed yet: ask again until `bound` has
  passed since the send, then it is *unknown*: an alert fires and only an operator sends it again
  (`zc sms resend`), after checking with the platform or the person.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum


@dataclass(frozen=True)
class SmsRequest:
    """One template message: never free text. `out_id` is the delivery's dedup key."""

    phone: str  # E.164
    sign_name: str
    template_code: str
    params: Mapping[str, str]
    out_id: str


@dataclass(frozen=True)
class GatewayResult:
    ok: bool
    attempts: int
    provider_message_id: str = ""
    status: int | None = None  # the last HTTP status, None after a timeout or transport error
    reason: str = ""
    permanent: bool = False  # True: retrying later will not help (bad number, bad credentials)
    # True: the request may have reached the platform and no answer came back (a read timeout, a
    # connection closed before the answer): it may have been sent. Settled by a status query only.
    unanswered: bool = False
    retry_after: float | None = None  # seconds the platform asked us to wait (Retry-After)
    throttled: bool = False  # the platform's flow control for this number: not sent, try after retry_after


class DeliveryState(StrEnum):
    SENT = "sent"  # SendStatus 1 (waiting for the carrier's receipt) or 3 (delivered)
    FAILED = "failed"  # SendStatus 2


@dataclass(frozen=True)
class Listed:
    """One row of the platform's delivery status listing."""

    out_id: str
    message_id: str
    state: DeliveryState
    error_code: str = ""


@dataclass(frozen=True)
class QueryResult:
    ok: bool  # False: the query itself failed (no answer, an error): it says nothing about the message
    listed: tuple[Listed, ...] = field(default_factory=tuple)
    reason: str = ""


class Verdict(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    ASK_AGAIN = "ask again"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Settled:
    verdict: Verdict
    message_id: str = ""
    reason: str = ""


def send_dates(sent_at: datetime, now: datetime, zone: tzinfo) -> list[date]:
    """The platform's send dates (its zone) a message sent at `sent_at` may be listed under: that
    day, and each day up to today (a send just before midnight may be listed the next day)."""
    first, last = sent_at.astimezone(zone).date(), now.astimezone(zone).date()
    return [first + timedelta(days=i) for i in range(max((last - first).days, 0) + 1)][:3]


def settle(listed: Iterable[Listed], out_id: str, sent_at: datetime, now: datetime, bound: timedelta,
           failures_seen: int = 0) -> Settled:
    """The verdict on an unanswered send from the listing of its number and dates. The same OutId
    may be listed more than once (an earlier try that the platform failed, then the retry): one
    listed as sent wins, and a failure counts only beyond the `failures_seen` already acted on, so
    an old failure never passes for the fate of the latest try."""
    mine = [row for row in listed if row.out_id == out_id]
    if sent := [row for row in mine if row.state is DeliveryState.SENT]:
        return Settled(Verdict.SENT, sent[0].message_id)
    if len(failed := [row for row in mine if row.state is DeliveryState.FAILED]) > failures_seen:
        return Settled(Verdict.FAILED, reason=f"the platform lists it as failed ({failed[-1].error_code or 'no code'})")
    if now - sent_at < bound:
        return Settled(Verdict.ASK_AGAIN, reason="not listed yet")
    return Settled(Verdict.UNKNOWN, reason=f"not listed by the platform {int(bound.total_seconds())} s after the send")
