"""`zc analytics sink`: the analysts' feed into Parquet files, partitioned by plan and day.

It reads as the `analytics` Kafka principal (which may read the feed and nothing else) in its own
consumer group. Every row keeps its Kafka partition and offset, and rows are written in blocks of
offsets: the file of partition P's offsets [a, b) for one plan and day is
`plan_id=<plan>/day=<day>/part-P-<a>-<b>.parquet`, rewritten whole (from the rows already in it
plus the new ones, atomically) whenever a record of that block arrives. So running again from
offset 0 (`--from-beginning`) writes the same files with the same rows: it overwrites, never
duplicates. Offsets are committed only after the files are written.
"""
from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

from contracts import analytics, topics
from plumbing.edges.kafka_acls import ANALYTICS, analytics_group
from plumbing.edges.kafka_security import client_kwargs

BLOCK = 10_000  # offsets per file: a file is rewritten at most BLOCK times as its block fills
DAY_ZONE = ZoneInfo("Asia/Shanghai")  # the plans' days are Chinese calendar days

SCHEMA = pa.schema([
    ("kafka_partition", pa.int32()), ("kafka_offset", pa.int64()),
    ("message_id", pa.string()), ("schema_version", pa.int16()), ("case_key", pa.string()),
    ("applicant_key", pa.string()), ("sequence", pa.int32()), ("plan_id", pa.string()),
    ("plan_version", pa.string()), ("city", pa.string()), ("area", pa.string()), ("unit_kind", pa.string()),
    ("specialty", pa.string()), ("route_declared", pa.string()), ("route_used", pa.string()),
    ("revision", pa.int32()), ("change", pa.string()), ("from_stage", pa.string()), ("stage", pa.string()),
    ("level", pa.string()), ("outcome", pa.string()), ("reason_codes", pa.list_(pa.string())),
    ("eligibility_outcome", pa.string()), ("failing_rules", pa.list_(pa.string())),
    ("season_time", pa.timestamp("us", tz="UTC")), ("recorded_time", pa.timestamp("us", tz="UTC")),
])


def row_of(partition: int, offset: int, value: bytes) -> dict:
    change = analytics.read(value)
    return {"kafka_partition": partition, "kafka_offset": offset, "schema_version": change.schema_version,
            **change.model_dump(mode="python"), "message_id": str(change.message_id)}


def file_of(out: Path, row: dict) -> Path:
    day = row["season_time"].astimezone(DAY_ZONE).date().isoformat()
    start = row["kafka_offset"] // BLOCK * BLOCK
    return (out / f"plan_id={_safe(row['plan_id'])}" / f"day={day}"
            / f"part-{row['kafka_partition']}-{start:012d}-{start + BLOCK:012d}.parquet")


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "_"


def write_rows(out: Path, rows: list[dict]) -> list[Path]:
    """Merge `rows` into their block files (by partition and offset, so a repeat replaces itself)."""
    by_file: dict[Path, list[dict]] = defaultdict(list)
    for row in rows:
        by_file[file_of(out, row)].append(row)
    for path, new in by_file.items():
        merged = {(r["kafka_partition"], r["kafka_offset"]): r for r in _existing(path)}
        merged.update({(r["kafka_partition"], r["kafka_offset"]): r for r in new})
        table = pa.Table.from_pylist([merged[k] for k in sorted(merged)], schema=SCHEMA)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, path)  # readers see the old file or the new one, never half of one
    return sorted(by_file)


def _existing(path: Path) -> list[dict]:
    # Partition columns live in the path only: read the file itself, not the dataset around it.
    return pq.ParquetFile(path).read().to_pylist() if path.exists() else []


@dataclass
class Progress:
    records: int = 0
    files: set[Path] = field(default_factory=set)


def run(out: Path, *, from_beginning: bool = False, until_caught_up: bool = False, bootstrap: str | None = None,
        idle_exit_s: float = 0, say=print, prefix: str | None = None) -> Progress:
    """Follow the feed into `out`. `until_caught_up`: stop at the end offsets seen at start."""
    from plumbing.settings import kafka_bootstrap

    consumer = KafkaConsumer(bootstrap_servers=bootstrap or kafka_bootstrap(), group_id=analytics_group(prefix),
                             enable_auto_commit=False, auto_offset_reset="earliest",
                             max_poll_records=2000, **client_kwargs(ANALYTICS))
    topic = topics.analytics_cases(prefix)
    parts = [TopicPartition(topic, p) for p in sorted(_partitions(consumer, topic))]
    consumer.assign(parts)
    if from_beginning:
        consumer.seek_to_beginning(*parts)
    end = consumer.end_offsets(parts)
    start = {tp: consumer.position(tp) for tp in parts}
    say(f"sink: {topic} from offsets {sum(start.values())} of {sum(end.values())} "
        f"({'from the beginning' if from_beginning else 'where the group left off'})")
    progress, idle_since = Progress(), time.monotonic()
    try:
        while True:
            batch = consumer.poll(timeout_ms=500)
            rows = [row_of(tp.partition, r.offset, r.value) for tp, records in batch.items() for r in records]
            if rows:
                progress.files.update(write_rows(out, rows))
                consumer.commit({tp: OffsetAndMetadata(records[-1].offset + 1, "", -1)
                                 for tp, records in batch.items()})
                progress.records += len(rows)
                idle_since = time.monotonic()
                say(f"sink: {progress.records} records, {len(progress.files)} files")
            if until_caught_up and all(consumer.position(tp) >= end[tp] for tp in parts):
                break
            if idle_exit_s and time.monotonic() - idle_since > idle_exit_s:
                break
    finally:
        consumer.close()
    return progress


def _partitions(consumer: KafkaConsumer, topic: str, timeout: float = 30) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = consumer.partitions_for_topic(topic)
        if found:
            return found
        time.sleep(0.2)
    raise SystemExit(f"{topic}: no such topic (or the analytics principal may not describe it)")
