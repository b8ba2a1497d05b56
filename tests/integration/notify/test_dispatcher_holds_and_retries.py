"""The Dispatcher on a real database with the recording gateway: rate limit, quiet hours,
retries with backoff, and the final failure with its dead letter."""
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from contracts.events import PublicNoticeStarted, UnitApproved
from services.notify.domain.provider import GatewayResult, SmsRequest
from services.notify.adapters.gateway_recording import RecordingGateway
from services.notify.adapters.dispatcher import Dispatcher
from services.notify.domain.quiet_hours import QuietHours
from services.notify.domain.rate_limit import Window
from services.notify.domain.retry import RetryPolicy
from tests.integration.notify.events import case_opened, envelope
from tests.integration.notify.planning import consume, units

TZ = "Asia/Shanghai"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=5)  # rows planned just before are due

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


async def two_messages_to_one_applicant(store) -> uuid.UUID:
    app_id = uuid.uuid4()
    approved = envelope(UnitApproved(application_id=app_id, opinion="同意"), f"case-{app_id}", 2)
    notice = envelope(PublicNoticeStarted(application_id=app_id, starts_on="2020-08-11", ends_on="2020-08-17",
                                          working_days=5), f"case-{app_id}", 3)
    await consume(store, case_opened(app_id, "u-rate"), approved, notice)
    return app_id


async def statuses(pool, app_id):
    return {r["template"]: (r["status"], r["last_error"]) for r in
            await pool.fetch("SELECT template, status, last_error FROM deliveries WHERE application_id = $1", app_id)}


async def test_a_second_message_to_the_same_number_waits_for_the_rate_limit_window(store):
    clock = Clock()
    dispatcher = Dispatcher(store.pool, units(store), RecordingGateway(store.pool), tz=TZ, clock=clock,
                            windows=(Window(timedelta(seconds=60), 1),))
    app_id = await two_messages_to_one_applicant(store)
    assert await dispatcher.dispatch_due() == 1  # the second waits for the first (order)
    assert await dispatcher.dispatch_due() == 1  # then meets the rate limit
    first = await statuses(store.pool, app_id)
    assert sorted(s for s, _ in first.values()) == ["pending", "sent"]
    assert ("pending", "rate limited") in first.values()
    clock.advance(seconds=30)
    assert await dispatcher.dispatch_due() == 0  # held until a minute after the first
    clock.advance(seconds=31)
    assert await dispatcher.dispatch_due() == 1
    assert {s for s, _ in (await statuses(store.pool, app_id)).values()} == {"sent"}
    assert await store.pool.fetchval("SELECT count(*) FROM sms_log") == 2


async def test_a_message_due_in_quiet_hours_is_held_until_the_morning(store):
    clock = Clock()
    evening = datetime.combine(clock.now.astimezone(ZoneInfo(TZ)).date(), time(22, 0), tzinfo=ZoneInfo(TZ))
    offset = evening - clock.now  # the season's wall clock reads 22:00 now
    dispatcher = Dispatcher(store.pool, units(store), RecordingGateway(store.pool), tz=TZ, clock=clock,
                            quiet=QuietHours(time(21, 0), time(8, 0)), wall_offset=lambda: offset,
                            windows=(Window(timedelta(seconds=1), 100),))
    app_id = uuid.uuid4()
    await consume(store, case_opened(app_id, "u-quiet"),
                  envelope(UnitApproved(application_id=app_id, opinion="同意"), f"case-{app_id}", 2))
    assert await dispatcher.dispatch_due() == 1
    assert await statuses(store.pool, app_id) == {"passed_unit": ("pending", "quiet hours")}
    held_until = await store.pool.fetchval("SELECT next_attempt_at FROM deliveries WHERE application_id = $1", app_id)
    assert held_until - clock.now == timedelta(hours=10)  # 22:00 -> 08:00 the next morning
    clock.advance(hours=9, minutes=59)
    assert await dispatcher.dispatch_due() == 0
    clock.advance(minutes=1)
    assert await dispatcher.dispatch_due() == 1
    assert (await statuses(store.pool, app_id))["passed_unit"][0] == "sent"
    assert await store.pool.fetchval("SELECT count(*) FROM sms_log") == 1


class DownGateway:
    def __init__(self) -> None:
        self.calls = 0

    async def send(self, sms: SmsRequest) -> GatewayResult:
        self.calls += 1
        return GatewayResult(False, attempts=3, status=503, reason="provider answered 503")


async def test_after_the_last_round_of_retries_the_message_fails_with_a_dead_letter(store):
    clock, gateway = Clock(), DownGateway()
    dispatcher = Dispatcher(store.pool, units(store), gateway, tz=TZ, clock=clock, policy=RetryPolicy(max_attempts=3, base=1, cap=4))
    app_id = uuid.uuid4()
    await consume(store, case_opened(app_id, "u-down"),
                  envelope(UnitApproved(application_id=app_id, opinion="同意"), f"case-{app_id}", 2))
    for round_ in range(3):
        assert await dispatcher.dispatch_due() == 1
        row = await store.pool.fetchrow("SELECT * FROM deliveries WHERE application_id = $1", app_id)
        if round_ < 2:
            assert row["status"] == "pending" and row["rounds"] == round_ + 1
            assert timedelta(0) <= row["next_attempt_at"] - clock.now <= timedelta(seconds=4)  # backoff with jitter
            clock.advance(seconds=5)
    assert (row["status"], row["attempts"], row["rounds"]) == ("failed", 9, 3) and gateway.calls == 3
    failed = await store.pool.fetch("SELECT payload FROM events WHERE event_type = 'NotificationFailed'")
    assert len(failed) == 1 and "503" in failed[0]["payload"]
    dead = await store.pool.fetch("SELECT raw FROM outbox WHERE event_id IS NULL")
    assert len(dead) == 1 and row["dedup_key"] in dead[0]["raw"]
    assert await dispatcher.dispatch_due() == 0


async def test_an_applicants_messages_go_out_in_the_order_of_their_events_even_when_the_first_is_held(store):
    clock = Clock()
    dispatcher = Dispatcher(store.pool, units(store), RecordingGateway(store.pool), tz=TZ, clock=clock)
    app_id = await two_messages_to_one_applicant(store)
    rows = await store.pool.fetch("SELECT template, seq FROM deliveries WHERE application_id = $1 ORDER BY seq", app_id)
    assert [r["template"] for r in rows] == ["passed_unit", "public_notice_started"]  # planned in event order
    await store.pool.execute("UPDATE deliveries SET next_attempt_at = $2 WHERE application_id = $1 AND template = $3",
                             app_id, clock.now + timedelta(minutes=10), "passed_unit")  # e.g. a retry later
    assert await dispatcher.dispatch_due() == 0  # the later message does not overtake the held one
    clock.advance(minutes=11)
    assert await dispatcher.dispatch_due() == 1 and await dispatcher.dispatch_due() == 1
    sent = await store.pool.fetch("SELECT template FROM deliveries WHERE application_id = $1 ORDER BY sent_at, seq",
                                  app_id)
    assert [r["template"] for r in sent] == ["passed_unit", "public_notice_started"]


async def test_the_recording_gateway_logs_the_template_and_the_delivery_never_the_text(store):
    from structlog.testing import capture_logs

    dispatcher = Dispatcher(store.pool, units(store), RecordingGateway(store.pool), tz=TZ, clock=Clock(),
                            windows=(Window(timedelta(seconds=1), 100),))
    app_id = uuid.uuid4()
    await consume(store, case_opened(app_id, "u-logs"),
                  envelope(UnitApproved(application_id=app_id, opinion="同意"), f"case-{app_id}", 2))
    with capture_logs() as lines:
        assert await dispatcher.dispatch_due() == 1
    row = await store.pool.fetchrow("SELECT d.dedup_key, d.template, s.text, s.to_e164 FROM deliveries d"
                                    " JOIN sms_log s USING (dedup_key) WHERE d.application_id = $1", app_id)
    [recorded] = [line for line in lines if line["event"] == "sms.recorded"]
    assert (recorded["template"], recorded["delivery"]) == ("ZC_SX2020_PASSED_UNIT", row["dedup_key"])
    logged = repr(lines)
    assert row["text"] not in logged and row["to_e164"] not in logged
