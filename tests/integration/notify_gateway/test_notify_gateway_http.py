"""HttpSmsGateway against the fake platform over loopback: template code + parameters + OutId on
the wire, no idempotence on the platform's side, retries only after an answer that says nothing
was sent, a timeout or a lost answer reported unanswered (never retried), flow control, and the
status query."""
import random
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from services.notify.adapters.gateway_http import GatewayConfigError, HttpSmsGateway, parse_retry_after
from services.notify.domain.provider import DeliveryState, SmsRequest
from services.notify.domain.retry import RetryPolicy

FAST = RetryPolicy(max_attempts=4, base=0.01, cap=0.05, max_retry_after=2)
PHONE = "+8613812345678"


def sms(out_id: str, phone: str = PHONE) -> SmsRequest:
    return SmsRequest(phone, "12333", "ZC_SX2020_PASSED_UNIT", {"name": "张三", "plan": "2020年度正高工评审"}, out_id)


def gateway(provider, **kwargs) -> HttpSmsGateway:
    kwargs.setdefault("policy", FAST)
    kwargs.setdefault("timeout", 1.0)
    return HttpSmsGateway(provider.sms_url, kwargs.pop("api_key", provider.api_key), rng=random.Random(1), **kwargs)


def today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


async def test_the_platform_is_sent_the_template_code_its_parameters_and_the_out_id_never_a_text(provider):
    async with gateway(provider) as gw:
        result = await gw.send(sms("key-shape"))
    assert result.ok and result.provider_message_id
    [sent] = provider.messages()["messages"]
    assert (sent["template"], sent["params"], sent["key"], sent["sign"]) == (
        "ZC_SX2020_PASSED_UNIT", {"name": "张三", "plan": "2020年度正高工评审"}, "key-shape", "12333")
    assert sent["biz_id"] == result.provider_message_id and "text" not in sent


async def test_the_platform_sends_a_repeated_request_twice_with_two_message_ids(provider):
    async with gateway(provider) as gw:
        first, second = await gw.send(sms("key-dup")), await gw.send(sms("key-dup"))
    assert first.ok and second.ok and first.provider_message_id != second.provider_message_id
    assert provider.messages()["count_per_key"] == {"key-dup": 2}  # no idempotence to lean on


async def test_a_500_then_success_is_sent_once_after_a_retry(provider):
    provider.control(fail_next=1, status=500)
    async with gateway(provider) as gw:
        result = await gw.send(sms("key-500"))
    assert result.ok and result.attempts == 2
    assert provider.delivered() == ["key-500"]


async def test_a_429_with_retry_after_is_retried_after_the_wait(provider):
    provider.control(fail_next=1, status=429, retry_after="1")
    started = time.monotonic()
    async with gateway(provider) as gw:
        result = await gw.send(sms("key-429"))
    assert result.ok and result.attempts == 2
    assert time.monotonic() - started >= 0.95  # the provider's 1 s, not our 10 ms backoff


async def test_a_retry_after_too_long_to_wait_ends_in_a_retryable_failure(provider):
    provider.control(fail_next=1, status=429, retry_after="3600")
    async with gateway(provider) as gw:
        result = await gw.send(sms("key-long-wait"))
    assert not result.ok and not result.permanent and not result.unanswered and result.status == 429


async def test_a_timeout_after_the_platform_accepted_is_unanswered_and_not_sent_again(provider):
    provider.control(delay_next=1, delay_ms=1500)
    async with gateway(provider, timeout=0.3) as gw:
        result = await gw.send(sms("key-slow"))
    assert not result.ok and result.unanswered and result.attempts == 1 and "ReadTimeout" in result.reason
    assert provider.delivered() == ["key-slow"] and provider.messages()["requests"] == 1


async def test_an_answer_lost_after_the_platform_accepted_is_unanswered_and_not_sent_again(provider):
    provider.control(lose_answer_next=1)
    async with gateway(provider) as gw:
        result = await gw.send(sms("key-lost"))
    assert not result.ok and result.unanswered and result.attempts == 1
    assert provider.delivered() == ["key-lost"] and provider.messages()["requests"] == 1


async def test_the_platforms_flow_control_per_number_is_a_hold_of_a_minute_not_a_retry(provider):
    provider.control(per_phone_per_minute=1)
    async with gateway(provider) as gw:
        first, second = await gw.send(sms("key-a")), await gw.send(sms("key-b"))
        other = await gw.send(sms("key-c", phone="+8613912345678"))
    assert first.ok and other.ok
    assert not second.ok and second.throttled and second.retry_after == 60 and second.attempts == 1
    assert "isv.BUSINESS_LIMIT_CONTROL" in second.reason
    assert provider.delivered() == ["key-a", "key-c"]


async def test_after_the_last_retry_the_result_is_a_failure(provider):
    provider.control(fail_next=10, status=503)
    async with gateway(provider) as gw:
        result = await gw.send(sms("key-down"))
    assert not result.ok and not result.permanent and not result.unanswered
    assert result.attempts == FAST.max_attempts and result.status == 503 and "503" in result.reason
    assert provider.delivered() == []


async def test_a_refusal_of_the_request_is_permanent_without_retries(provider):
    async with gateway(provider, api_key="wrong") as gw:
        result = await gw.send(sms("key-auth"))
    assert not result.ok and result.permanent and result.status == 401 and result.attempts == 1
    async with gateway(provider) as gw:
        bad = await gw.send(sms("key-bad-number", phone="+1555"))
    assert bad.permanent and "isv.MOBILE_NUMBER_ILLEGAL" in bad.reason
    assert provider.messages()["requests"] == 2 and provider.delivered() == []


async def test_the_status_query_lists_by_number_and_date_with_out_id_message_id_and_status(provider):
    provider.control(undeliverable_next=1)
    async with gateway(provider) as gw:
        failed, sent = await gw.send(sms("key-x")), await gw.send(sms("key-y"))
        await gw.send(sms("key-z", phone="+8613912345678"))
        listing = await gw.query(PHONE, today())
        another_day = await gw.query(PHONE, today().replace(year=2020))
    assert listing.ok
    assert [(r.out_id, r.message_id, r.state) for r in listing.listed] == [
        ("key-x", failed.provider_message_id, DeliveryState.FAILED),
        ("key-y", sent.provider_message_id, DeliveryState.SENT)]
    assert another_day.ok and another_day.listed == ()


async def test_a_message_is_listed_only_after_the_platforms_listing_delay(provider):
    provider.control(listing_delay_s=1.0)
    async with gateway(provider) as gw:
        await gw.send(sms("key-late"))
        assert (await gw.query(PHONE, today())).listed == ()
        time.sleep(1.1)
        assert [r.out_id for r in (await gw.query(PHONE, today())).listed] == ["key-late"]


async def test_a_failing_status_query_says_nothing_about_the_message(provider):
    provider.control(query_fail_next=1)
    async with gateway(provider) as gw:
        answer = await gw.query(PHONE, today())
    assert not answer.ok and "500" in answer.reason


async def test_an_unreachable_provider_is_a_retryable_failure_not_an_unanswered_one():
    async with HttpSmsGateway("http://127.0.0.1:9/sms", "k", policy=FAST, timeout=0.5) as gw:
        result = await gw.send(sms("key-none"))
    assert not result.ok and not result.permanent and not result.unanswered and "unreachable" in result.reason


async def test_the_gateway_is_configured_from_the_environment_and_refuses_to_run_without_it(provider):
    with pytest.raises(GatewayConfigError):
        HttpSmsGateway.from_env({})
    env = {"ZC_SMS_URL": provider.sms_url, "ZC_SMS_API_KEY": provider.api_key, "ZC_SMS_TIMEOUT_SECONDS": "2"}
    async with HttpSmsGateway.from_env(env) as gw:
        assert (await gw.send(sms("key-env"))).ok


def test_retry_after_may_be_seconds_or_an_http_date():
    from datetime import timezone

    now = datetime(2020, 8, 3, 9, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("Mon, 03 Aug 2020 09:00:05 GMT", now) == 5.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
