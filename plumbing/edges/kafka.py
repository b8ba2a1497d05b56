"""FastStream wiring: a Kafka broker and batch subscribers that ack only after the commit.

FastStream decodes nothing here. Its default batch parser decodes every header as UTF-8 and its
decoder JSON-decodes every body before our code runs; one bad record then fails the whole batch
inside the framework, which seeks back and fetches the same batch for ever. `raw_parser` and
`raw_decoder` hand the records over untouched, and `plumbing.core.decoding` decodes them, bounded, in
the consumer, where a bad one goes to the dead-letter path.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging

from faststream import Context
from faststream.kafka import KafkaBroker
from faststream.middlewares import AckPolicy

from contracts.limits import KAFKA_PRODUCER_MAX_REQUEST_BYTES
from plumbing.core.consumer import IdempotentConsumer, Record
from plumbing.edges.kafka_security import faststream_kwargs
from plumbing.logging import get_logger
from plumbing.core.references import ReferenceNotYetKnown, retry_pause

log = get_logger(__name__)
# FastStream's own messages (a failing subscriber, a rebalance) go through the standard library to
# the structlog formatter installed by plumbing.logging.configure: JSON lines like ours.
FRAMEWORK_LOGGER = logging.getLogger("faststream.zc")


def build_broker(bootstrap: str, principal: str | None = None) -> KafkaBroker:
    return KafkaBroker(bootstrap, logger=FRAMEWORK_LOGGER, max_request_size=KAFKA_PRODUCER_MAX_REQUEST_BYTES,
                       **faststream_kwargs(principal))


def _utf8_headers(headers) -> tuple:
    out = []
    for name, value in headers or ():
        try:
            (value or b"").decode()
        except UnicodeDecodeError:
            continue  # FastStream would fail the whole batch on it; our code reads no header
        out.append((name, value))
    return tuple(out)


async def raw_parser(records, original_parser):
    """FastStream's batch parser, given records whose headers it can decode. The bodies stay bytes."""
    if not isinstance(records, tuple):
        records = (records,)
    clean = tuple(dataclasses.replace(r, headers=_utf8_headers(r.headers)) for r in records)
    return await original_parser(clean)


async def raw_decoder(message) -> list[bytes | None]:
    """No decoding: the handler receives the raw values (None for a tombstone)."""
    raw = message.raw_message if isinstance(message.raw_message, tuple) else (message.raw_message,)
    return [r.value for r in raw]


def subscribe(broker: KafkaBroker, consumer: IdempotentConsumer, topics: list[str], *, group_id: str,
              max_records: int = 200) -> None:
    """Register `consumer` for `topics` in consumer group `group_id`.

    NACK_ON_ERROR: offsets are committed after the handler returned (our transaction committed);
    an exception seeks back so the batch is delivered again. Within a partition records are
    handled in order; one subscriber handles one batch at a time.
    """
    waits = [0]  # consecutive batches of this subscriber that met an unseen reference

    @broker.subscriber(*topics, group_id=group_id, batch=True, max_records=max_records, batch_timeout_ms=100,
                       auto_offset_reset="earliest", ack_policy=AckPolicy.NACK_ON_ERROR,
                       parser=raw_parser, decoder=raw_decoder)
    async def handle(message=Context("message")) -> None:
        raw = message.raw_message if isinstance(message.raw_message, tuple) else (message.raw_message,)
        records = [Record(r.topic, r.partition, r.offset, r.key, r.value, tuple(r.headers or ())) for r in raw]
        try:
            result = await consumer.process(records)
        except ReferenceNotYetKnown as exc:
            # Expected while topics overtake each other: one line a retry, not a traceback a second.
            waits[0] += 1
            pause = retry_pause(waits[0])
            log.warning("consumer.waiting_for_reference", consumer=consumer.name, size=len(records), error=str(exc),
                        retry_in_s=pause)
            await asyncio.sleep(pause)
            raise
        except Exception:
            log.exception("consumer.batch_failed", consumer=consumer.name, size=len(records))
            await asyncio.sleep(1)  # do not spin on a database that is down
            raise
        waits[0] = 0
        log.info("consumer.batch", consumer=consumer.name, size=len(records), processed=result.processed,
                 duplicates=result.duplicates, dead_lettered=result.dead_lettered)
