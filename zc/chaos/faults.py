"""The faults: each is injected, held for a while, then healed (or heals itself: supervisord restarts
a killed service)."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from aiokafka import AIOKafkaProducer

from zc.chaos.stack import ChaosStack, infra, owns
from plumbing.edges.kafka_security import TOOL_WRITER, client_kwargs

SESSION_TIMEOUT_S = 10  # FastStream's (aiokafka's) default session.timeout.ms for the subscribers

Step = Callable[[ChaosStack], Awaitable[str | None]]  # may return a note for the table


async def _nothing(_stack: ChaosStack) -> None:
    return None


@dataclass(frozen=True)
class Fault:
    name: str
    kind: str
    inject: Step
    heal: Step = _nothing
    hold: float = 0.0  # seconds between inject and heal
    poisons: int = 0  # records that every consumer of the topic must set aside (dead-letter)
    requires: str = ""  # "postgres" / "kafka": only when that server is this worktree's own
    instant: bool = False  # the fault is a moment (a kill): recovery counts from it, restart included


def kill(service: str) -> Fault:
    """The fault is the kill itself; supervisord's restart is part of the recovery."""
    async def inject(stack: ChaosStack) -> str:
        before = stack.supervisor.kill(service, signal.SIGKILL)
        back = await asyncio.to_thread(stack.supervisor.wait_ready, [service], 120)
        return f"pid {before} → {stack.supervisor.pid(service)} (supervisord), ready after {back:.1f} s"

    return Fault(f"kill -9 {service}", "process", inject, instant=True)


def restart(component: str, down_for: float = 3.0) -> Fault:
    async def stop(_stack: ChaosStack) -> None:
        await asyncio.to_thread(infra, component, "stop")

    async def start(_stack: ChaosStack) -> None:
        await asyncio.to_thread(infra, component, "start")
    return Fault(f"restart {component} ({down_for:.0f} s down)", "infrastructure", stop, start, down_for,
                 requires=component)


def pause(service: str, seconds: float = SESSION_TIMEOUT_S + 4) -> Fault:
    """SIGSTOP past the consumer session timeout: the broker evicts the member; SIGCONT, it rejoins."""
    pid: dict[str, int] = {}

    async def stop(stack: ChaosStack) -> None:
        pid["pid"] = stack.supervisor.kill(service, signal.SIGSTOP)

    async def resume(_stack: ChaosStack) -> None:
        os.kill(pid["pid"], signal.SIGCONT)
    return Fault(f"pause {service} {seconds:.0f} s (rebalance)", "consumer", stop, resume, seconds)


def sms(name: str, control: dict, hold: float = 6.0) -> Fault:
    async def program(stack: ChaosStack) -> None:
        async with httpx.AsyncClient(timeout=5) as client:
            (await client.post(f"{stack.url('sms')}/control", json=control)).raise_for_status()

    async def clear(stack: ChaosStack) -> None:
        async with httpx.AsyncClient(timeout=5) as client:
            (await client.post(f"{stack.url('sms')}/control", json={})).raise_for_status()
    return Fault(f"SMS provider {name}", "sms", program, clear, hold)


def poison(name: str, value: bytes | None, *, topic: str = "applications") -> Fault:
    async def produce(stack: ChaosStack) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap, max_request_size=2_000_000,
                                    **client_kwargs(TOOL_WRITER))  # the poison writer's own principal
        await producer.start()
        try:
            await producer.send_and_wait(stack.topic(topic), value, key=f"poison-{uuid.uuid4()}".encode())
        finally:
            await producer.stop()
    return Fault(f"poison: {name}", "poison", produce, poisons=1)


# Nearly the largest record the broker takes (message.max.bytes 1 MiB + 12): the consumer's
# dead-letter copy adds the error and the record's coordinates, so it no longer fits the relay's
# producer (max.request.size 1 MiB): the relay parks that row (plumbing/core/relay.py) and goes on.
OVERSIZED = b'{"event_id": "' + b"x" * 1_048_300 + b'"}'
DEEP = b"[" * 100_000 + b"]" * 100_000
CONTROL_BYTES = b'{"event_id": "\x00\x01\x02", "payload": "\xff\xfe\x1b[31m"}'
WRONG_SHAPE = json.dumps({"event_id": str(uuid.uuid4()), "event_type": "ApplicationSubmitted",
                          "payload": {"application": "not an application"}}).encode()


def full() -> list[Fault]:
    return [kill("intake"), kill("eligibility"), kill("review"), kill("notify"),
            restart("kafka"), restart("postgres"), pause("eligibility"),
            sms("failing (HTTP 500)", {"fail_next": 12, "status": 500}),
            sms("stalling (answers after the 2 s timeout)", {"delay_ms": 3000, "delay_next": 6}),
            sms("losing answers after sending", {"lose_answer_next": 6}),
            sms("answering after the timeout, listing 5 s late", {"delay_ms": 3000, "delay_next": 6, "listing_delay_s": 5}),
            sms("rate-limiting (HTTP 429, Retry-After 1)", {"fail_next": 12, "status": 429, "retry_after": "1"}),
            poison("tombstone (null value)", None), poison("control bytes, invalid UTF-8", CONTROL_BYTES),
            poison("an envelope of the wrong shape", WRONG_SHAPE),
            poison("1 MB record (broker maximum)", OVERSIZED), poison("JSON nested 100,000 deep", DEEP)]


def short() -> list[Fault]:
    """One fault of each kind (for `make test`); the rest of the table is `make chaos`."""
    return [kill("eligibility"), restart("kafka"), pause("review"),
            # Sent, but answered after the 2 s timeout and listed only 3 s later: settled by the status
            # query (asked again while "not listed yet"), never by sending again.
            sms("answering after the timeout, listing 3 s late", {"delay_ms": 3000, "delay_next": 4,
                                                                 "listing_delay_s": 3}, hold=3),
            poison("tombstone (null value)", None)]


def available(fault: Fault) -> str:
    """'' when the fault can run here, else why not."""
    if fault.requires and not owns(fault.requires):
        return f"skipped: {fault.requires} is not this worktree's own server"
    return ""
