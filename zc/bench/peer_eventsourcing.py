"""The peer library: `eventsourcing`'s PostgreSQL recorder, ProcessApplication and projection, on
the same server and the same workloads as ours. Benchmark-only (requirements-bench.lock).

Runs in its own process (`python -m zc.bench.peer_eventsourcing DSN ...`, JSON on stdout) with plain
threads, the library's own model: inside an asyncio program its threads ran twenty times slower."""
from __future__ import annotations

import json
import statistics
import sys
import threading
import time
import uuid
from functools import singledispatchmethod
from urllib.parse import urlsplit

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent, Tracking
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.system import Leader, ProcessApplication


TEXT = "申报撤回原因：" + "bench " * 70  # ~500 bytes of event state, as our events


class Filing(Aggregate):
    def __init__(self, text: str) -> None:
        self.text = text


class Derived(Aggregate):
    def __init__(self, text: str) -> None:
        self.text = text


class BenchLeader(Leader):
    pass


class BenchProcess(ProcessApplication):
    @singledispatchmethod
    def policy(self, domain_event, processing_event: ProcessingEvent) -> None:
        if isinstance(domain_event, Filing.Created):
            processing_event.collect_events(Derived(domain_event.text))


class BenchView(PostgresTrackingRecorder):
    """A read model with one row per aggregate, written with its tracking row in one transaction."""

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            curs.execute("CREATE TABLE IF NOT EXISTS es_view (id uuid PRIMARY KEY, version bigint, seen bigint)")

    def upsert(self, originator_id, version: int, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute("INSERT INTO es_view VALUES (%s, %s, 1) ON CONFLICT (id) DO UPDATE"
                         " SET version = EXCLUDED.version, seen = es_view.seen + 1", (originator_id, version))
            self._insert_tracking(curs, tracking)


def env(dsn: str, pool: int) -> dict:
    u = urlsplit(dsn)
    return {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": u.path.lstrip("/"),
            "POSTGRES_HOST": u.hostname or "127.0.0.1", "POSTGRES_PORT": str(u.port or 5432),
            "POSTGRES_USER": u.username or "postgres", "POSTGRES_PASSWORD": u.password or "",
            "POSTGRES_POOL_SIZE": str(pool), "POSTGRES_MAX_OVERFLOW": "0"}


class Peer:
    def __init__(self, dsn: str, writers: int) -> None:
        e = env(dsn, writers + 2)
        self.datastore = PostgresDatastore(e["POSTGRES_DBNAME"], e["POSTGRES_HOST"], e["POSTGRES_PORT"],
                                           e["POSTGRES_USER"], e["POSTGRES_PASSWORD"], pool_size=writers + 2)
        self.recorder = PostgresApplicationRecorder(self.datastore, events_table_name="es_appends")
        self.recorder.create_table()
        self.env, self.writers = e, writers
        self.leader = BenchLeader(env=e)
        self.state = self.leader.mapper.to_stored_event(Filing(TEXT).collect_events()[0]).state
        self.topic = self.leader.mapper.to_stored_event(Filing(TEXT).collect_events()[0]).topic

    def close(self) -> None:
        self.leader.close()
        self.datastore.close()

    def load_history(self, events: int) -> None:
        """The leader's history with COPY: one Filing.Created per aggregate, aggregate ids rising (as
        ours: random ids made the load minutes long, every row on a random page of the primary key)."""
        table = self.leader.recorder.events_table_name
        tail = f"\t1\t{self.topic}\t\\\\x{self.state.hex()}\n"  # text COPY: bytea as \\x<hex>
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            # As ours: the library's two indexes dropped for the load and built once after it
            # (the same definitions, read from the catalogue), so both histories load the same way.
            curs.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", (table,))
            indexes = [(row["indexname"], row["indexdef"]) for row in curs.fetchall()]  # the library's rows are dicts
            curs.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey")
            for name, _ in indexes:
                curs.execute(f"DROP INDEX IF EXISTS {name}")
            with curs.copy(f"COPY {table} (originator_id, originator_version, topic, state) FROM STDIN") as copy:
                for start in range(0, events, 100_000):
                    copy.write("".join(f"b0000000-0000-4000-8000-{i:012x}{tail}"
                                       for i in range(start + 1, min(events, start + 100_000) + 1)))
            curs.execute("SET maintenance_work_mem = '256MB'")
            for name, definition in indexes:
                curs.execute(definition)
                if name == f"{table}_pkey":
                    curs.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} PRIMARY KEY USING INDEX {name}")
            conn.commit()

    def _threads(self, work, runs: int, seconds: float, threads: int | None = None) -> dict:
        counter, stop, failures, lock = [0], threading.Event(), [], threading.Lock()

        def loop() -> None:
            try:
                while not stop.is_set():
                    done = work()  # not `counter[0] += work()`: that reads the counter before the work
                    with lock:
                        counter[0] += done
            except Exception as exc:  # noqa: BLE001 - reported with the figure, not swallowed
                failures.append(exc)
        pool = [threading.Thread(target=loop, daemon=True) for _ in range(threads or self.writers)]
        for t in pool:
            t.start()
        try:
            warm_up = time.perf_counter() + 30
            while not counter[0] and not failures and time.perf_counter() < warm_up:
                time.sleep(0.01)  # connecting and the first round trip are set-up, not throughput
            rates, last, at = [], counter[0], time.perf_counter()
            for _ in range(runs):
                time.sleep(seconds)
                now, count = time.perf_counter(), counter[0]
                give_up = now + 60  # as zc.bench.windows: a window ends once progress moved, bounded
                while count == last and not failures and now < give_up:
                    time.sleep(0.01)
                    now, count = time.perf_counter(), counter[0]
                rates.append((count - last) / (now - at))
                last, at = count, now
            result = {"per_s": statistics.median(rates), "runs": rates}
        finally:
            stop.set()
            for t in pool:
                t.join()
        if failures:
            raise RuntimeError(f"eventsourcing peer failed: {failures[0]!r}") from failures[0]
        return result

    def appends(self, batch: int, runs: int, seconds: float) -> dict:
        def work() -> int:
            stream = uuid.uuid4()
            self.recorder.insert_events([StoredEvent(stream, v, self.topic, self.state) for v in range(1, batch + 1)])
            return batch
        return self._threads(work, runs, seconds)

    def reads(self, runs: int, seconds: float) -> dict:
        position = [0]

        def work() -> int:
            page = self.leader.recorder.select_notifications(position[0] + 1, 500)
            position[0] = page[-1].id if len(page) == 500 else 0
            return len(page)
        return self._threads(work, runs, seconds, threads=1)

    def process(self, runs: int, seconds: float) -> dict:
        follower = BenchProcess(env=self.env)
        follower.follow(self.leader.name, self.leader.notification_log)
        try:
            def work() -> int:
                start = follower.recorder.max_tracking_id(self.leader.name) or 0
                follower.pull_and_process(self.leader.name, start=start, stop=start + 20)
                return (follower.recorder.max_tracking_id(self.leader.name) or 0) - start
            return self._threads(work, runs, seconds, threads=1)
        finally:
            follower.close()

    def rebuild(self, runs: int, seconds: float) -> dict:
        view = BenchView(self.datastore, tracking_table_name="es_view_tracking")
        view.create_table()
        mapper, name, position = self.leader.mapper, self.leader.name, [0]

        def work() -> int:
            page = self.leader.recorder.select_notifications(position[0] + 1, 50)  # small: counted often
            for n in page:
                event = mapper.to_domain_event(n)
                view.upsert(event.originator_id, event.originator_version, Tracking(name, n.id))
            position[0] = page[-1].id if page else 0
            return len(page)
        return self._threads(work, runs, seconds, threads=1)


def measure(dsn: str, writers: int, runs: int, seconds: float) -> dict:
    peer = Peer(dsn, writers)
    try:
        return {"single": peer.appends(1, runs, seconds), "batch10": peer.appends(10, runs, seconds),
                "batch100": peer.appends(100, runs, seconds), "reads": peer.reads(runs, seconds),
                "consumer": peer.process(runs, seconds), "rebuild": peer.rebuild(runs, seconds)}
    finally:
        peer.close()


def load(dsn: str, history: int) -> None:
    peer = Peer(dsn, 1)
    try:
        peer.load_history(history)
    finally:
        peer.close()


if __name__ == "__main__":
    # load DSN EVENTS | measure DSN WRITERS RUNS SECONDS
    if sys.argv[1] == "load":
        load(sys.argv[2], int(sys.argv[3]))
    else:
        print(json.dumps(measure(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))))
