"""Peers that are programs: pgbench's one-row insert, and Kafka's ProducerPerformance and
ConsumerPerformance (kafka-tools jar from Maven Central, fetched by infra/bench/kafka-tools.sh)."""
from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
import uuid
from pathlib import Path

from plumbing.edges.kafka_security import ADMIN, java_client_properties  # the bench's throw-away topics: admin's
from zc.bench.config import ROOT
from zc.bench.stats import median


def _run(args: list[str], timeout: float) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr[-800:]}")
    return done.stdout


def pgbench_path() -> str:
    return _run([str(ROOT / "infra/bench/pgbench.sh")], 600).strip()


def pgbench(dsn: str, clients: int, runs: int, seconds: float) -> dict:
    """One-row insert of a ~500-byte jsonb document per transaction from `clients` connections
    (into `pgbench_one_row (id bigserial PRIMARY KEY, doc jsonb)`, which the caller creates)."""
    binary = pgbench_path()
    script = Path(tempfile.mkstemp(suffix=".sql")[1])
    script.write_text("INSERT INTO pgbench_one_row (doc) VALUES ('{\"reason\": \"" + "bench " * 80 + "\"}');\n")
    rates = []
    try:
        for _ in range(runs):
            out = _run([binary, "-n", "-c", str(clients), "-j", "2", "-T", str(max(1, round(seconds))),
                        "-f", str(script), dsn], seconds + 120)
            rates.append(float(re.search(r"tps = ([\d.]+)", out).group(1)))
    finally:
        script.unlink()
    return {"per_s": median(rates), "runs": rates}


def kafka_tools() -> str:
    return _run([str(ROOT / "infra/bench/kafka-tools.sh")], 900).strip()


def _java(libs: str, main: str, args: list[str], timeout: float) -> str:
    logs = Path(tempfile.gettempdir()) / "zc-bench-kafka-tools"  # the shared log4j2 file writes under it
    return _run(["java", "-Xmx512m", "-cp", f"{libs}/*", f"-Dkafka.logs.dir={logs}",
                 f"-Dlog4j2.configurationFile={ROOT / 'infra/kafka/log4j2.properties'}", main, *args], timeout)


@contextlib.contextmanager
def _login_file(flag: str):
    """The perf tools take a SASL login from a properties file (the JAAS line has `=` in it, which
    their key=value arguments cannot carry): readable by us only (mkstemp), removed after the run."""
    properties = java_client_properties(ADMIN)
    if not properties:
        yield []
        return
    handle, path = tempfile.mkstemp(prefix="zcb-login-", suffix=".properties")
    try:
        with os.fdopen(handle, "w") as out:
            out.write("\n".join(properties) + "\n")
        yield [flag, path]
    finally:
        os.unlink(path)


def _produce(libs: str, kafka: str, topic: str, records: int) -> float:
    with _login_file("--producer.config") as login:
        out = _java(libs, "org.apache.kafka.tools.ProducerPerformance",
                    ["--topic", topic, "--num-records", str(records), "--record-size", "700", "--throughput", "-1",
                     "--producer-props", f"bootstrap.servers={kafka}", "acks=all", "enable.idempotence=true",
                     "linger.ms=5", *login], 600)
    final = [line for line in out.splitlines() if "records sent" in line][-1]
    return float(re.search(r"records sent, ([\d.]+) records/sec", final).group(1))


def producer_performance(kafka: str, topic: str, records: int, runs: int, seconds: float,
                         calibrate: bool = True) -> dict:
    """700-byte records, acks=all, idempotent, linger 5 ms: the producer settings of our relay. A short
    calibration run sizes the measured runs to last about `seconds` each (at least `records`); without
    it (the quick form: one JVM start less) each run sends `records`."""
    libs = kafka_tools()
    calibration = _produce(libs, kafka, topic, max(1000, records // 8)) if calibrate else 0
    sized = max(records, int(calibration * seconds * 1.15))
    rates = [_produce(libs, kafka, topic, sized) for _ in range(runs)]
    return {"per_s": median(rates), "runs": rates, "records_per_run": sized}


def consumer_performance(kafka: str, topic: str, records: int, runs: int) -> dict:
    """Reads `runs` x `records` from the start of what ProducerPerformance wrote (it wrote that, and its
    calibration run, before: reading is faster than writing, so each run lasts about as long), a new
    consumer group each run."""
    libs, rates = kafka_tools(), []
    for _ in range(runs):
        with _login_file("--consumer.config") as login:
            out = _java(libs, "org.apache.kafka.tools.ConsumerPerformance",
                        ["--bootstrap-server", kafka, "--topic", topic, "--messages", str(records * runs),
                         "--group", f"zcb-perf-{uuid.uuid4().hex[:6]}", "--timeout", "60000", *login], 600)
        header, values = [line for line in out.splitlines() if line.strip()][-2:]
        row = dict(zip([h.strip() for h in header.split(",")], [v.strip() for v in values.split(",")]))
        rates.append(float(row.get("fetch.nMsg.sec") or row["nMsg.sec"]))
    return {"per_s": median(rates), "runs": rates, "records_per_run": records * runs}
