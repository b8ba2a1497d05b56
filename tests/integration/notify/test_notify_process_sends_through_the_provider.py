"""A running notify process (ZC_SMS_GATEWAY=http) fed through Kafka, sending to the fake platform
(which, like the real ones, sends a repeated request twice): retries on 500 and 429, a final failure
with its dead letter, redelivery, crashes, timeouts and lost answers settled by the platform's
status query, and an unknown delivery that only `zc sms resend` sends again."""
import asyncio
import os
import subprocess
import sys
import uuid

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families

from contracts.envelope import Role
from contracts.events import UnitApproved
from plumbing.edges.dev_issuer import dev_token
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
    # The platform was sent the template's code and parameters, never a text; its message id is kept.
    assert seen["messages"][0]["template"] == "ZC_SX2020_PASSED_UNIT" and "plan" in seen["messages"][0]["params"]
    assert sent["provider_message_id"] == seen["messages"][0]["biz_id"]


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


async def status_in_database(notify, app_id) -> str | None:
    conn = await asyncpg.connect(with_database(DATABASE_URL, notify.database))
    try:
        return await conn.fetchval("SELECT status FROM deliveries WHERE application_id = $1", app_id)
    finally:
        await conn.close()


async def test_a_crash_after_the_platform_accepted_is_settled_by_its_status_query_and_sent_once(
        provider, notify_process, eventually):
    notify = notify_process(provider.env())
    notify.start(ZC_NOTIFY_CRASH_AFTER_SEND="1", ZC_SMS_CHECK_INTERVAL_SECONDS="0.3").wait_ready()
    app_id = uuid.uuid4()
    await notify.publish(case_opened(app_id, "u-crash", phone=mobile(5)), unit_approved(app_id))
    assert notify.wait_exit(60) == 17  # exited hard right after the platform said yes
    assert len(provider.messages()["messages"]) == 1
    assert await status_in_database(notify, app_id) == "sending"  # ...and nothing was recorded
    notify.start(ZC_SMS_CHECK_INTERVAL_SECONDS="0.3").wait_ready()
    [sent] = await eventually(lambda: ended(notify, app_id, "sent"))
    seen = provider.messages()
    assert seen["requests"] == 1 and seen["queries"] >= 1  # asked, not sent again
    assert sent["provider_message_id"] == seen["messages"][0]["biz_id"]
    recorded = await read_topic(notify.notifications_topic, expect=2, timeout=5)
    assert [h["event_type"] for _, _, h in recorded] == ["NotificationSent"]
    assert recorded[0][1]["payload"]["dedup_key"] == seen["messages"][0]["key"]


async def test_kill_9_while_the_platform_is_slow_to_answer_still_ends_with_one_sms(provider, notify_process, eventually):
    notify = notify_process({**provider.env(), "ZC_SMS_TIMEOUT_SECONDS": "20",
                             "ZC_SMS_CHECK_INTERVAL_SECONDS": "0.3"}).start().wait_ready()
    provider.control(delay_next=1, delay_ms=15000)  # the platform sends, then sits on its answer
    app_id = uuid.uuid4()
    await notify.publish(case_opened(app_id, "u-kill", phone=mobile(6)), unit_approved(app_id))

    async def delivered():
        return provider.messages()["messages"] or None

    await eventually(delivered)
    notify.kill9()
    assert await status_in_database(notify, app_id) == "sending"
    notify.start().wait_ready()
    await eventually(lambda: ended(notify, app_id, "sent"))
    assert list(provider.messages()["count_per_key"].values()) == [1] and provider.messages()["requests"] == 1


UNANSWERED = {"ZC_SMS_TIMEOUT_SECONDS": "0.5", "ZC_SMS_CHECK_INTERVAL_SECONDS": "0.3", **FAST}


async def test_timeouts_after_the_platform_accepted_leave_one_message_per_planned_delivery(
        provider, notify_process, eventually):
    notify = notify_process({**provider.env(), **UNANSWERED}).start().wait_ready()
    # Every answer comes after our timeout (the platform sent each), and a message is listed only three
    # seconds after it was sent: "not listed yet" is asked again, never answered by sending again.
    provider.control(delay_next=100, delay_ms=1500, listing_delay_s=3.0)
    apps = [uuid.uuid4() for _ in range(3)]
    for i, app_id in enumerate(apps):
        await notify.publish(case_opened(app_id, f"u-slow{i}", phone=mobile(10 + i)), unit_approved(app_id))
    for app_id in apps:
        [sent] = await eventually(lambda app_id=app_id: ended(notify, app_id, "sent"))
        assert sent["provider_message_id"]
    seen = provider.messages()
    assert sorted(seen["count_per_key"].values()) == [1, 1, 1] and seen["requests"] == 3
    assert seen["queries"] > 3  # at least one "not listed yet" for some delivery
    assert {m["biz_id"] for m in seen["messages"]} == {
        d["provider_message_id"] for app_id in apps for d in await deliveries(notify, app_id)}


async def test_a_lost_answer_is_settled_by_the_status_query_and_not_sent_again(provider, notify_process, eventually):
    notify = notify_process({**provider.env(), **UNANSWERED}).start().wait_ready()
    provider.control(lose_answer_next=1)
    app_id = uuid.uuid4()
    await notify.publish(case_opened(app_id, "u-lost", phone=mobile(14)), unit_approved(app_id))
    [sent] = await eventually(lambda: ended(notify, app_id, "sent"))
    seen = provider.messages()
    assert seen["requests"] == 1 and sent["provider_message_id"] == seen["messages"][0]["biz_id"]


async def test_a_timed_out_send_the_platform_lists_as_failed_is_retried_by_the_retry_policy(
        provider, notify_process, eventually):
    notify = notify_process({**provider.env(), **UNANSWERED}).start().wait_ready()
    provider.control(delay_next=1, delay_ms=1500, undeliverable_next=1)  # sent, no answer, then the carrier failed it
    app_id = uuid.uuid4()
    await notify.publish(case_opened(app_id, "u-undeliverable", phone=mobile(15)), unit_approved(app_id))
    [sent] = await eventually(lambda: ended(notify, app_id, "sent"))
    seen = provider.messages()
    assert seen["requests"] == 2 and [m["status"] for m in seen["messages"]] == [2, 3]  # failed, then delivered
    assert sent["provider_message_id"] == seen["messages"][1]["biz_id"]


async def unknown_gauge(notify) -> float:
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{notify.url}/metrics")).text
    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == "zc_sms_deliveries" and s.labels.get("status") == "unknown")


def zc_sms_resend(notify, delivery_id: str, role: Role = Role.CITY_HR_BUREAU) -> subprocess.CompletedProcess:
    token = dev_token(role, org="sx-city-hr", uid="officer-7", name="测试操作员")
    return subprocess.run([sys.executable, "-m", "zc.cli", "sms", "resend", delivery_id, "--url", notify.url],
                          capture_output=True, text=True, encoding="utf-8", timeout=60, env={**os.environ, "ZC_TOKEN": token})


async def test_a_send_not_listed_within_the_bound_is_unknown_alerts_and_only_zc_sms_resend_sends_it_again(
        provider, notify_process, eventually):
    notify = notify_process({**provider.env(), **UNANSWERED, "ZC_SMS_CHECK_BOUND_SECONDS": "2"}).start().wait_ready()
    provider.control(delay_next=1, delay_ms=1500, listing_delay_s=3600)  # sent, no answer, never listed in time
    app_id = uuid.uuid4()
    await notify.publish(case_opened(app_id, "u-unknown", phone=mobile(16)), unit_approved(app_id))
    [unknown] = await eventually(lambda: ended(notify, app_id, "unknown"))
    assert "not listed" in unknown["last_error"] and unknown["provider_message_id"] is None
    assert await unknown_gauge(notify) == 1
    await asyncio.sleep(2)  # nothing sends it again on its own
    assert provider.messages()["requests"] == 1 and await status_in_database(notify, app_id) == "unknown"
    shown = subprocess.run([sys.executable, "-m", "zc.cli", "notify", "status", str(app_id), "--url", notify.url],
                           capture_output=True, text=True, encoding="utf-8", timeout=60)
    line = next(row for row in shown.stdout.splitlines() if "passed_unit" in row)
    assert "UNKNOWN" in line and "zc sms resend" in shown.stdout

    auditor = zc_sms_resend(notify, unknown["notification_id"], Role.AUDITOR)
    assert auditor.returncode == 2 and "403" in auditor.stderr  # an auditor reads; only the operator resends
    provider.control()  # the platform answers again
    done = zc_sms_resend(notify, unknown["notification_id"])
    assert done.returncode == 0, done.stderr
    [sent] = await eventually(lambda: ended(notify, app_id, "sent"))
    seen = provider.messages()
    assert seen["requests"] == 2 and seen["count_per_key"] == {seen["messages"][0]["key"]: 2}  # once more, once
    assert sent["provider_message_id"] == seen["messages"][1]["biz_id"] and await unknown_gauge(notify) == 0
    shown = subprocess.run([sys.executable, "-m", "zc.cli", "notify", "status", str(app_id), "--url", notify.url],
                           capture_output=True, text=True, encoding="utf-8", timeout=60)
    line = next(row for row in shown.stdout.splitlines() if "passed_unit" in row)
    assert "│ sent" in line and f"message id {sent['provider_message_id']}" in line
    again = zc_sms_resend(notify, unknown["notification_id"])
    assert again.returncode == 1 and "only an unknown one" in again.stderr  # a sent one is not resent
    assert provider.messages()["requests"] == 2
