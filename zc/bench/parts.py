"""Section 2: each of our parts beside its peer, in one run, on the same server and broker."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid

import asyncpg
from kafka.admin import KafkaAdminClient, NewTopic

from plumbing.provision import database_from_template
from plumbing.core.eventstore import EventStore
from plumbing.settings import with_database
from zc.bench import ours, tools
from zc.bench.budget import Phases
from zc.bench.config import Config
from plumbing.edges.kafka_security import ADMIN, client_kwargs  # the bench's own topics and groups: admin's


def _say(what: str, result: dict) -> dict:
    print(f"[parts] {what}: {result['per_s']:,.0f}/s (runs: {', '.join(f'{r:,.0f}' for r in result['runs'])})",
          flush=True)
    return result


class Parts:
    def __init__(self, config: Config) -> None:
        self.c = config
        self.run_id = uuid.uuid4().hex[:6]
        self.databases = {"ours": f"zcb_{self.run_id}_ours", "peer": f"zcb_{self.run_id}_es",
                          "pgbench": f"zcb_{self.run_id}_pgbench"}
        self.topics = {"relay": f"zcb{self.run_id}.relay", "perf": f"zcb{self.run_id}.perf"}
        self.phases = Phases("parts")

    def dsn(self, which: str) -> str:
        return with_database(self.c.database_url, self.databases[which])

    async def _server(self, sql: str) -> None:
        conn = await asyncpg.connect(with_database(self.c.database_url, "postgres"))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def _topics(self, create: bool) -> None:
        admin = KafkaAdminClient(bootstrap_servers=self.c.kafka, **client_kwargs(ADMIN))
        try:
            if create:
                admin.create_topics([NewTopic(t, num_partitions=6, replication_factor=1) for t in self.topics.values()])
            else:
                admin.delete_topics(list(self.topics.values()))
        finally:
            admin.close()

    def run(self) -> dict:
        with self.phases.phase("set-up: topics"):
            self._topics(create=True)
        try:
            results = asyncio.run(self._ours())
            results.update(self._peers())
        finally:
            with self.phases.phase("tear-down: databases and topics"):
                asyncio.run(self._drop())
                self._topics(create=False)
        results["phases"] = self.phases.spent
        results["peer_runs"] = self.c.peer_runs
        return results

    async def _drop(self) -> None:
        for db in self.databases.values():
            await self._server(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    async def _ours(self) -> dict:
        c, r, phase = self.c, {}, self.phases.phase
        with phase("set-up: our database"):
            # The migrated event store, used as the administrator (the load drops and rebuilds indexes)
            await database_from_template("store", self.databases["ours"], url=c.database_url)
            pool = await asyncpg.create_pool(self.dsn("ours"), min_size=c.writers, max_size=c.writers + 4)
        store = EventStore(pool)
        try:
            for key, batch, what in (("single", 1, "our single appends"), ("batch10", 10, "our 10-event batches"),
                                     ("batch100", 100, "our 100-event batches")):
                with phase(what):
                    r[key] = _say(what, await ours.appends(store, batch, c.writers, c.runs, c.run_seconds))
            with phase(f"set-up: both {c.history_events:,}-event histories (COPY, at once) and the relay's backlog"):
                # Both histories are loaded at once (set-up, not measured): the peer's in its own process.
                await self._server(f'CREATE DATABASE "{self.databases["peer"]}"')
                peer_load = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "zc.bench.peer_eventsourcing", "load", self.dsn("peer"),
                    str(c.history_events))
                await ours.load_history_and_backlog(pool, c.history_events, self.topics["relay"], c.relay_backlog)
                if await peer_load.wait():
                    raise RuntimeError("loading the eventsourcing peer's history failed")
                # Write both loads out now: a checkpoint spread over the next minutes would flush
                # them during the measurements (ours first, the peer's later: unevenly).
                await self._server("CHECKPOINT")
            with phase("our global-log reads"):
                r["reads"] = _say("our global-log reads", await ours.reads(store, c.runs, c.run_seconds))
            with phase("our read-model rebuild"):
                r["rebuild"] = _say("our read-model rebuild", await ours.rebuild(store, c.runs, c.run_seconds))
            with phase("our relay"):
                r["relay"] = _say("our relay", await ours.relay(self.dsn("ours"), c.kafka, c.relay_backlog,
                                                               c.runs, c.run_seconds))
            with phase("our consumer"):
                r["consumer"] = _say("our consumer", await ours.consumer(
                    pool, store, c.kafka, self.topics["relay"], f"zcb{self.run_id}-bench", c.runs, c.run_seconds))
        finally:
            await pool.close()
        return {"ours": r}

    def _peers(self) -> dict:
        c, phase = self.c, self.phases.phase
        with phase("eventsourcing peer (6 figures)"):
            done = subprocess.run([sys.executable, "-m", "zc.bench.peer_eventsourcing", "measure", self.dsn("peer"),
                                   str(c.writers), str(c.peer_runs), str(c.run_seconds)],
                                  capture_output=True, text=True, timeout=900)
        if done.returncode:
            raise RuntimeError(f"eventsourcing peer failed: {done.stderr[-1500:]}")
        es = json.loads(done.stdout.strip().splitlines()[-1])
        for name, result in es.items():
            _say(f"eventsourcing {name}", result)
        with phase("pgbench one-row insert"):
            asyncio.run(self._pgbench_table())
            pgbench = _say("pgbench one-row insert",
                           tools.pgbench(self.dsn("pgbench"), c.writers, c.peer_runs, c.run_seconds))
        with phase("Kafka ProducerPerformance (calibration + measured run)"):
            producer = _say("Kafka ProducerPerformance", tools.producer_performance(
                c.kafka, self.topics["perf"], c.kafka_records, c.peer_runs, c.run_seconds, calibrate=not c.quick))
        with phase("Kafka ConsumerPerformance"):
            consumer = _say("Kafka ConsumerPerformance", tools.consumer_performance(
                c.kafka, self.topics["perf"], producer["records_per_run"], c.peer_runs))
        return {"eventsourcing": es, "pgbench": pgbench, "producer_performance": producer,
                "consumer_performance": consumer}

    async def _pgbench_table(self) -> None:
        await self._server(f'CREATE DATABASE "{self.databases["pgbench"]}"')
        conn = await asyncpg.connect(self.dsn("pgbench"))
        try:
            await conn.execute("CREATE TABLE pgbench_one_row (id bigserial PRIMARY KEY, doc jsonb)")
        finally:
            await conn.close()
