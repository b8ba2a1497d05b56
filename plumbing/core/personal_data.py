"""Following the compacted personal-data topic: a record is an upsert, a tombstone (no value) a delete.

The event topics' consumer treats a tombstone as bad data (plumbing/core/decoding.py `TOMBSTONE`); here a
tombstone is the point, so this topic has its own small subscription. Each record is applied in one
transaction with the reader's table (`personal_data`), and the group's offset is committed only
after that commit: a crash re-applies a record, and an upsert or a delete applied twice is the same.
A record that is not a valid PersonalRecord is set aside on the dead-letter topic (described,
never copied: it may hold personal data) and the reader goes on.

`person_ref` is the only key; the table keeps nothing once a tombstone arrives, and
`erased_persons` remembers (pseudonymously) that the person was erased, so that a message or an
export asked for later says so instead of waiting for data that will never come.
"""
from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable

import asyncpg
from aiokafka import AIOKafkaConsumer
from pydantic import ValidationError

from contracts import topics
from contracts.personal_record import APPLICANT, SEGMENT_ROLL_KEY, PersonalRecord, parse_key
from plumbing.core.decoding import BadRecord, decode_json, describe, short_error
from plumbing.edges.kafka_security import client_kwargs
from plumbing.logging import get_logger
from plumbing.loops import stop_quietly

log = get_logger(__name__)

OnErased = Callable[[asyncpg.Connection, str], Awaitable[None]]


async def _nothing_more(_conn, _ref) -> None:
    return None


async def lock_person(conn, person_ref: str) -> None:
    """Serialise, per person, the arrival of their record with a reader that looks them up and sets
    work aside when they are unknown (notify's planning): without it both could commit unseen by the
    other and the work would wait for ever. Held to the end of the caller's transaction."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 727400))", person_ref)


def checked_ref(key: bytes | None, kind: str) -> str | None:
    """The ref a record's key names, if its kind is the topic's (`kind`); None for the segment roll.
    A record of another kind is refused: each kind's topic has one writer, and its key says which."""
    if not key:
        raise BadRecord("NO_KEY", "a personal-data record without a key")
    if key == SEGMENT_ROLL_KEY.encode():
        return None
    key_kind, ref = parse_key(key)
    if key_kind != kind or not ref:
        raise BadRecord("KEY_KIND_MISMATCH", f"a record keyed {key_kind or 'without a kind'!r} on the {kind}s' topic")
    return ref


async def apply(conn: asyncpg.Connection, key: bytes | None, value: bytes | None, *, kind: str = APPLICANT,
                on_erased: OnErased = _nothing_more, on_known: OnErased = _nothing_more) -> str:
    """Apply one record of `kind`'s topic in the caller's transaction; returns what it did: stored |
    erased | skipped. `on_erased` runs after a tombstone, `on_known` after either (what waited)."""
    ref = checked_ref(key, kind)
    if ref is None:
        return "skipped"
    await lock_person(conn, ref)
    if value is None:
        await conn.execute("DELETE FROM personal_data WHERE person_ref = $1", ref)
        await conn.execute("INSERT INTO erased_persons (person_ref) VALUES ($1) ON CONFLICT DO NOTHING", ref)
        await on_erased(conn, ref)
        await on_known(conn, ref)
        return "erased"
    try:
        record = PersonalRecord.model_validate(decode_json(value))
    except ValidationError as exc:
        raise BadRecord("INVALID", f"{exc.error_count()} invalid fields") from None
    if record.person_ref != ref:
        raise BadRecord("KEY_MISMATCH", "the key is not the record's person_ref")
    await conn.execute(
        "INSERT INTO personal_data (person_ref, name, phone, id_number_masked) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (person_ref) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone,"
        " id_number_masked = EXCLUDED.id_number_masked, updated_at = now()",
        ref, record.name, record.phone, record.id_number_masked)
    # Filed again after an erasure (a new filing): the person is known again.
    await conn.execute("DELETE FROM erased_persons WHERE person_ref = $1", ref)
    await on_known(conn, ref)
    return "stored"


async def lookup(conn, person_refs: list[str]) -> dict[str, PersonalRecord | None]:
    """Each person's current record; None for an erased person; absent when not (yet) known."""
    found: dict[str, PersonalRecord | None] = {}
    for row in await conn.fetch("SELECT * FROM personal_data WHERE person_ref = ANY($1::text[])", person_refs):
        found[row["person_ref"]] = PersonalRecord(person_ref=row["person_ref"], name=row["name"], phone=row["phone"],
                                                  id_number_masked=row["id_number_masked"])
    for row in await conn.fetch("SELECT person_ref FROM erased_persons WHERE person_ref = ANY($1::text[])",
                                person_refs):
        found.setdefault(row["person_ref"], None)
    return found


class PersonalDataFollower:
    """Reads the personal-data topic from its beginning (a new reader gets every current record,
    compaction keeps the log at one record per person) into this service's `personal_data`."""

    def __init__(self, pool: asyncpg.Pool, bootstrap: str, *, service: str, on_erased: OnErased = _nothing_more,
                 on_known: OnErased = _nothing_more, batch: int = 200, group_id: str | None = None,
                 kinds: tuple[str, ...] = (APPLICANT,)) -> None:
        self.pool, self.bootstrap, self.service, self.on_erased, self.batch = pool, bootstrap, service, on_erased, batch
        self.kind_of = {topics.personal_topic(kind): kind for kind in kinds}  # topic -> the kind it carries
        self.on_known = on_known
        self.group_id = group_id or f"{topics._prefix()}-{service}-personal-data"
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        while not self._stop.is_set():
            consumer = AIOKafkaConsumer(*sorted(self.kind_of), bootstrap_servers=self.bootstrap,
                                        group_id=self.group_id, enable_auto_commit=False,
                                        auto_offset_reset="earliest", **client_kwargs(self.service))
            try:
                await consumer.start()
                while not self._stop.is_set():
                    batches = await consumer.getmany(timeout_ms=500, max_records=self.batch)
                    for _partition, records in batches.items():
                        await self._apply_all(records)
                    if batches:
                        await consumer.commit()  # only after the rows committed
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - broker or database away: start again after a pause
                log.warning("personal_data.follower_failed", error=repr(exc))
                await asyncio.sleep(1)
            finally:
                await stop_quietly(consumer.stop(), "personal_data.follower_stop_failed")

    async def _apply_all(self, records) -> None:
        # One transaction per record: it holds one person's lock at a time (lock_person), so it can
        # never deadlock with a reader holding several.
        async with self.pool.acquire() as conn:
            for record in records:
                async with conn.transaction():
                    try:
                        async with conn.transaction():
                            done = await apply(conn, record.key, record.value, kind=self.kind_of[record.topic],
                                               on_erased=self.on_erased, on_known=self.on_known)
                        log.info(f"personal_data.{done}", partition=record.partition, offset=record.offset)
                    except BadRecord as exc:
                        await _set_aside(conn, self.service, record, str(exc))


async def _set_aside(conn, service: str, record, error: str) -> None:
    log.warning("personal_data.dead_letter", partition=record.partition, offset=record.offset, error=error)
    letter = {"consumer": f"{service}-personal-data", "error": short_error(error), "topic": record.topic,
              "partition": record.partition, "offset": record.offset,
              "value": {k: v for k, v in describe(record.value).items() if k != "preview"}}  # no preview: personal
    await conn.execute("INSERT INTO outbox (event_id, topic, key, raw) VALUES (NULL, $1, $2, $3::jsonb)",
                       topics.dead_letter(), str(uuid.uuid4()), json.dumps(letter))


def follow(runtime, *, kinds: tuple[str, ...] = (APPLICANT,), on_erased: OnErased = _nothing_more,
           on_known: OnErased = _nothing_more) -> None:
    """Give a service (notify, review) the follower filling its `personal_data` table (created by its
    migrations), started and stopped with its runtime."""
    followers: list[PersonalDataFollower] = []

    async def start(rt) -> None:
        follower = PersonalDataFollower(rt.pool, rt.settings.kafka_bootstrap, service=rt.settings.service,
                                        on_erased=on_erased, on_known=on_known, kinds=kinds)
        followers.append(follower)
        rt.spawn(follower.run, f"{rt.settings.service}-personal-data")

    async def stop(_rt) -> None:
        for follower in followers:
            follower.stop()

    runtime.on_started.append(start)
    runtime.on_stopping.append(stop)
