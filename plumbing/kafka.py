"""FastStream wiring: a Kafka broker and batch subscribers that ack only after the commit."""
from __future__ import annotations

import asyncio

from faststream import Context
from faststream.kafka import KafkaBroker
from faststream.middlewares import AckPolicy

from plumbing.consumer import IdempotentConsumer, Record
from plumbing.kafka_security import faststream_kwargs
from plumbing.logging import get_logger

log = get_logger(__name__)


def build_broker(bootstrap: str, principal: str | None = None) -> KafkaBroker:
    return KafkaBroker(bootstrap, logger=None, **faststream_kwargs(principal))


def subscribe(broker: KafkaBroker, consumer: IdempotentConsumer, topics: list[str], *, group_id: str,
              max_records: int = 200) -> None:
    """Register `consumer` for `topics` in consumer group `group_id`.

    NACK_ON_ERROR: offsets are committed after the handler returned (our transaction committed);
    an exception seeks back so the batch is delivered again. Within a partition records are
    handled in order; one subscriber handles one batch at a time.
    """

    @broker.subscriber(*topics, group_id=group_id, batch=True, max_records=max_records, batch_timeout_ms=100,
                       auto_offset_reset="earliest", ack_policy=AckPolicy.NACK_ON_ERROR)
    async def handle(_body: list[bytes], message=Context("message")) -> None:
        raw = message.raw_message if isinstance(message.raw_message, tuple) else (message.raw_message,)
        records = [Record(r.topic, r.partition, r.offset, r.key, r.value) for r in raw]
        try:
            result = await consumer.process(records)
        except Exception:
            log.exception("consumer.batch_failed", consumer=consumer.name, size=len(records))
            await asyncio.sleep(1)  # do not spin on a database that is down
            raise
        log.info("consumer.batch", consumer=consumer.name, size=len(records), processed=result.processed,
                 duplicates=result.duplicates, dead_lettered=result.dead_lettered)
