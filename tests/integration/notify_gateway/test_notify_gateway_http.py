"""HttpSmsGateway against the fake provider over loopback: retries, Retry-After, timeouts, keys."""
import random
import time

import pytest

from services.notify.adapters.gateway_http import GatewayConfigError, HttpSmsGateway, parse_retry_after
from services.notify.domain.retry import RetryPolicy

FAST = RetryPolicy(max_attempts=4, base=0.01, cap=0.05, max_retry_after=2)


def gateway(provider, **kwargs) -> HttpSmsGateway:
    kwargs.setdefault("policy", FAST)
    kwargs.setdefault("timeout", 1.0)
    return HttpSmsGateway(provider.sms_url, kwargs.pop("api_key", provider.api_key), rng=random.Random(1), **kwargs)


async def test_a_500_then_success_is_delivered_once_after_a_retry(provider):
    provider.control(fail_next=1, status=500)
    async with gateway(provider) as gw:
        result = await gw.send("+8613812345678", "【12333】测试", "key-500")
    assert result.ok and result.attempts == 2 and result.provider_message_id
    assert provider.messages()["count_per_key"] == {"key-500": 1}


async def test_a_429_with_retry_after_is_retried_after_the_wait(provider):
    provider.control(fail_next=1, status=429, retry_after="1")
    started = time.monotonic()
    async with gateway(provider) as gw:
        result = await gw.send("+8613812345678", "【12333】测试", "key-429")
    assert result.ok and result.attempts == 2
    assert time.monotonic() - started >= 0.95  # the provider's 1 s, not our 10 ms backoff


async def test_a_retry_after_too_long_to_wait_ends_in_a_retryable_failure(provider):
    provider.control(fail_next=1, status=429, retry_after="3600")
    async with gateway(provider) as gw:
        result = await gw.send("+8613812345678", "【12333】测试", "key-long-wait")
    assert not result.ok and not result.permanent and result.status == 429 and result.attempts == 1


async def test_a_slow_answer_beyond_the_timeout_is_retried_and_still_sends_one_sms(provider):
    provider.control(delay_next=1, delay_ms=1500)
    async with gateway(provider, timeout=0.3) as gw:
        result = await gw.send("+8613812345678", "【12333】测试", "key-slow")
    assert result.ok and result.attempts == 2
    # The first, timed-out request did deliver; the retry carried the same key and got its answer.
    assert provider.messages()["count_per_key"] == {"key-slow": 1}


async def test_after_the_last_retry_the_result_is_a_failure(provider):
    provider.control(fail_next=10, status=503)
    async with gateway(provider) as gw:
        result = await gw.send("+8613812345678", "【12333】测试", "key-down")
    assert not result.ok and not result.permanent
    assert result.attempts == FAST.max_attempts and result.status == 503 and "503" in result.reason
    assert provider.messages()["messages"] == []


async def test_a_4xx_other_than_429_is_a_permanent_failure_without_retries(provider):
    async with gateway(provider, api_key="wrong") as gw:
        result = await gw.send("+8613812345678", "【12333】测试", "key-auth")
    assert not result.ok and result.permanent and result.status == 401 and result.attempts == 1
    assert provider.messages()["requests"] == 1


async def test_the_same_dedup_key_sent_twice_is_delivered_once(provider):
    async with gateway(provider) as gw:
        first = await gw.send("+8613812345678", "【12333】测试", "key-dup")
        second = await gw.send("+8613812345678", "【12333】测试", "key-dup")
        other = await gw.send("+8613812345678", "【12333】测试", "key-other")
    assert first.ok and second.ok and other.ok
    assert first.provider_message_id == second.provider_message_id != other.provider_message_id
    assert provider.messages()["count_per_key"] == {"key-dup": 1, "key-other": 1}


async def test_an_unreachable_provider_is_a_retryable_failure():
    async with HttpSmsGateway("http://127.0.0.1:9/sms", "k", policy=FAST, timeout=0.5) as gw:
        result = await gw.send("+8613812345678", "x", "key-none")
    assert not result.ok and not result.permanent and "unreachable" in result.reason


async def test_the_gateway_is_configured_from_the_environment_and_refuses_to_run_without_it(provider):
    with pytest.raises(GatewayConfigError):
        HttpSmsGateway.from_env({})
    env = {"ZC_SMS_URL": provider.sms_url, "ZC_SMS_API_KEY": provider.api_key, "ZC_SMS_TIMEOUT_SECONDS": "2"}
    async with HttpSmsGateway.from_env(env) as gw:
        assert (await gw.send("+8613812345678", "x", "key-env")).ok


def test_retry_after_may_be_seconds_or_an_http_date():
    from datetime import datetime, timezone

    now = datetime(2020, 8, 3, 9, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("Mon, 03 Aug 2020 09:00:05 GMT", now) == 5.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
