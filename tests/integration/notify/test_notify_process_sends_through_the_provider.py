"""A running notify process (ZC_SMS_GATEWAY=http) fed through Kafka, sending to the fake provider:
retries on 500 and 429, a final failure with its dead letter, redelivery, and crashes."""
import asyncio
import uuid

import asyncpg

from contracts.events import UnitApproved
from plumbing.settings import with_database
from tests.conftest import DATABASE_URL
from tests.integration.notify.conftest import get_json
from tests.integration.notify.events import case_opened, envelope, mobile
from tests.integration_support import read_topic

FAST = {"ZC_SMS_MAX_ATTEMPTS": "3", "ZC_SMS_BACKOFF_BASE": "0.05", "ZC_SMS_BACKOFF_CAP": "0.2",
        "ZC_NOTIFY_MAX_ROUNDS": "2"}


def unit_approved(app_id: uuid.UUID):
    return envelope(UnitApproved(application_id=app_id, opinion="同意推荐"), f"case-{app_id}", 2)


async def deliveries(notify, app_id) -> list[dict]:
    return ((await get_json(f"{notify.url}/notifications/{app_id}")) or {}).get("deliveries", [])


async def ended(notify, app_id, status: str):
    found = [d for d in await deliveries(notify, app_id) if d["status"] == status]
    return found or None


async def test_two_500s_then_success_deliver_the_sms_exactly_once_after_retries(provider, notify_process, eventually):
    notify = notify_process({**provider.env(), **FAST}).start().wait_ready()
    provider.control(fail_next=2, status=500)
    app_id = uuid.uuid4()
    await notify.publish(case_opened(app_id, "u-500", phone=mobile(1)), unit_approved(app_id))
    [sent] = await eventually(lambda: ended(notify, app_id, "sent"))
    assert sent["template"] == "passed_unit" and sent["attempts"] == 3
    seen = provider.messages()
    assert seen["requests"] == 3 and list(seen["count_per_key"].values()) == [1]
    assert seen["messages"][0]["to"] == "+86" + mobile(1)


async def test_a_429_with_retry_after_is_retried_and_delivered_once(provider, notify_process, eventually):
    notify = notify_process({**provider.env(), **FAST}).start().wait_ready()
    provider.control(fail_next=1, status=429, retry_after="1")
    app_id = uuid.uuid4()
    await notify.publish(case_opened(app_id, "u-429", phone=mobile(2)), unit_approved(app_id))
    [sent] = await eventually(lambda: ended(notify, app_id, "sent"))
    assert sent["attempts"] == 2 and provider.messages()["requests"] == 2
    assert list(provider.messages()["count_per_key"].values()) == [1]


async def test_a_provider_that_keeps_failing_ends_in_notification_failed_and_a_dead_letter(
        provider, notify_process, eventually):
    notify = notify_process({**provider.env(), **FAST}).start().wait_ready()
    provider.control(fail_next=1000, status=503)
    app_id = uuid.uuid4()
    await notify.publish(case_opened(app_id, "u-down", phone=mobile(3)), unit_approved(app_id))
    [failed] = await eventually(lambda: ended(notify, app_id, "failed"))
    assert failed["attempts"] == 6 and "503" in failed["last_error"]  # 2 rounds x 3 requests
    assert provider.messages()["requests"] == 6 and provider.messages()["messages"] == []
    status = await get_json(f"{notify.url}/notifications/{app_id}")
    assert [f["template"] for f in status["failures"]] == ["passed_unit"]
    dead = await read_topic(notify.dead_letter_topic, expect=1)
    assert len(dead) == 1 and dead[0][1]["consumer"] == "notify-dispatcher" and "503" in dead[0][1]["error"]
    recorded = await read_topic(notify.notifications_topic, expect=1)
    assert [(h["event_type"], v["payload"]["template"]) for _, v, h in recorded] == [("NotificationFailed", "passed_unit")]


async def test_the_same_review_event_delivered_again_and_after_a_restart_sends_one_sms(
        provider, notify_process, eventually):
    notify = notify_process(provider.env()).start().wait_ready()
    app_id = uuid.uuid4()
    approved = unit_approved(app_id)
    await notify.publish(case_opened(app_id, "u-dup", phone=mobile(4)), approved, approved)
    await eventually(lambda: ended(notify, app_id, "sent"))
    await notify.publish(approved)  # again, after it was sent
    await asyncio.sleep(2)
    notify.stop()
    notify.start().wait_ready()
    await notify.publish(approved)  # and again, to the restarted process
    await asyncio.sleep(3)
    assert len(await deliveries(notify, app_id)) == 1
    seen = provider.messages()
    assert len(seen["messages"]) == 1 and list(seen["count_per_key"].values()) == [1] and seen["requests"] == 1


async def pending_in_database(notify, app_id) -> str | None:
    conn = await asyncpg.connect(with_database(DATABASE_URL, notify.database))
    try:
        return await conn.fetchval("SELECT status FROM deliveries WHERE application_id = $1", app_id)
    finally:
        await conn.close()


async def test_a_crash_after_the_provider_accepted_and_before_recording_resends_with_the_key_and_sends_once(
        provider, notify_process, eventually):
    notify = notify_process(provider.env())
    notify.start(ZC_NOTIFY_CRASH_AFTER_SEND="1").wait_ready()
    app_id = uuid.uuid4()
    await notify.publish(case_opened(app_id, "u-crash", phone=mobile(5)), unit_approved(app_id))
    assert notify.wait_exit(60) == 17  # exited hard right after the provider said yes
    assert len(provider.messages()["messages"]) == 1
    assert await pending_in_database(notify, app_id) == "pending"  # ...and nothing was recorded
    notify.start().wait_ready()
    await eventually(lambda: ended(notify, app_id, "sent"))
    seen = provider.messages()
    assert list(seen["count_per_key"].values()) == [1] and seen["requests"] == 2  # the resend met its key
    recorded = await read_topic(notify.notifications_topic, expect=2, timeout=5)
    assert [h["event_type"] for _, _, h in recorded] == ["NotificationSent"]
    assert recorded[0][1]["payload"]["dedup_key"] == seen["messages"][0]["key"]


async def test_kill_9_while_the_provider_is_slow_to_answer_still_ends_with_one_sms(provider, notify_process, eventually):
    notify = notify_process({**provider.env(), "ZC_SMS_TIMEOUT_SECONDS": "20"}).start().wait_ready()
    provider.control(delay_next=1, delay_ms=15000)  # the provider delivers, then sits on its answer
    app_id = uuid.uuid4()
    await notify.publish(case_opened(app_id, "u-kill", phone=mobile(6)), unit_approved(app_id))

    async def delivered():
        return provider.messages()["messages"] or None

    await eventually(delivered)
    notify.kill9()
    assert await pending_in_database(notify, app_id) == "pending"
    notify.start().wait_ready()
    await eventually(lambda: ended(notify, app_id, "sent"))
    assert list(provider.messages()["count_per_key"].values()) == [1]
