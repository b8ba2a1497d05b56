"""One composition helper: a service's pool, event store, relay and Kafka subscriptions, started
and stopped with its FastAPI app. Each service's bootstrap.py says what goes in it."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient
from fastapi import FastAPI

from contracts import topics
from plumbing.core.consumer import Handler, IdempotentConsumer, redrive_when_asked
from plumbing.db import open_pool
from plumbing.core import witness
from plumbing.provision import migration_dirs
from plumbing.core.application import Recorder
from plumbing.core.checkpoints import ISOLATION as CHECKPOINT_ISOLATION, checkpoint_job
from plumbing.core.eventstore import EventStore, Witness
from plumbing.core.periodic import PeriodicJob, PeriodicRunner
from plumbing.core.unit_of_work import PostgresUnitOfWork
from plumbing.edges.kafka import build_broker, subscribe
from plumbing.edges.kafka_security import client_kwargs
from plumbing.edges.kafka_lag import LagReader
from plumbing.logging import get_logger, route_framework_loggers
from plumbing.loops import stop_quietly
from plumbing.edges.metrics import Metrics
from plumbing.core.relay import OutboxRelay
from plumbing.core.retention import RetentionPolicy, prune
from plumbing.stall import ConsumerWatch, Group, NotReady, outbox_reasons
from plumbing.workers import Worker
from plumbing.settings import ProcessSettings, ServiceSettings

log = get_logger(__name__)


def refuse_dev_secrets(s: ServiceSettings) -> list[str]:
    """The development secrets are public (they are in this repository): refuse them unless ZC_DEV_MODE.
    Outside development also refuse a secret shorter than 32 bytes, and a key this service must not
    hold (only intake holds the person_ref key, only review the operator_ref key)."""
    import os

    from plumbing.edges.auth import dev_secrets_in_use, short_secrets

    weak = dev_secrets_in_use(s.token_public_key, s.person_ref_secret, s.operator_ref_secret)
    if s.dev_mode:
        return weak + s.foreign_secrets
    if s.foreign_secrets:
        raise SystemExit(f"refusing to start: {s.service} must not hold {', '.join(s.foreign_secrets)} "
                         "(each key is given only to the service that uses it)")
    if weak:
        raise SystemExit(f"refusing to start: {', '.join(weak)} is the development secret; set a real one "
                         "(or ZC_DEV_MODE=1 on a development machine)")
    if short := short_secrets(ZC_PERSON_REF_SECRET=s.person_ref_secret, ZC_OPERATOR_REF_SECRET=s.operator_ref_secret,
                              ZC_METRICS_TOKEN=ProcessSettings.current().metrics_token):
        raise SystemExit(f"refusing to start: {', '.join(short)} shorter than 32 bytes")
    return []


def refuse_unauthenticated_kafka(s: ServiceSettings) -> bool:
    """No Kafka login: the client would speak PLAINTEXT, which only a broker without the trust
    boundary accepts (infra/docker-compose.yml's, on a developer's machine). True when allowed so."""
    if client_kwargs(s.service):
        return False
    if not s.dev_mode:
        raise SystemExit(f"refusing to start: no Kafka credentials for {s.service!r} (ZC_KAFKA_USER/"
                         "ZC_KAFKA_PASSWORD or ZC_KAFKA_CREDENTIALS); a broker without authentication is for "
                         "development only (ZC_DEV_MODE=1)")
    return True


@dataclass
class Subscription:
    topics: list[str]
    handler: Handler
    wants: Callable = lambda _e: True


@dataclass
class Runtime:
    settings: ServiceSettings
    subscriptions: list[Subscription] = field(default_factory=list)
    pool: asyncpg.Pool | None = None
    store: EventStore | None = None
    relay: OutboxRelay | None = None
    # Where this service keeps an application's history: stream id = prefix + application id
    # (GET /audit/applications/{id}); and what it adds beside the events (plumbing/core/audit.py).
    application_streams: list[str] = field(default_factory=list)
    audit_extras: list[Callable] = field(default_factory=list)
    # Extra hooks of a service (e.g. notify's dispatcher), run after start / before stop.
    on_started: list[Callable] = field(default_factory=list)
    on_stopping: list[Callable] = field(default_factory=list)
    metrics: Metrics | None = None
    groups: dict[str, list[str]] = field(default_factory=dict)  # consumer group -> topics (for lag)
    _tasks: list[asyncio.Task] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _broker: object | None = None
    watch: ConsumerWatch | None = None
    _lag: LagReader | None = None
    # The service's units of work: what it records with, and its read-model ports on a connection.
    recorder: Recorder | None = None
    ports: Callable = lambda _conn: None
    periodic: list[PeriodicJob] = field(default_factory=list)  # run by one PeriodicRunner
    periodic_runner: PeriodicRunner | None = None

    def __post_init__(self) -> None:
        self.metrics = Metrics(self.settings.service)

    def unit_of_work(self, *, isolation: str | None = None) -> PostgresUnitOfWork:
        """A new unit of work of this service (one transaction when entered, in `isolation` if given)."""
        return PostgresUnitOfWork(self.pool, self.recorder, self.ports, isolation=isolation)

    async def start(self) -> None:
        s = self.settings
        if weak := refuse_dev_secrets(s):
            log.warning("runtime.development_secrets", secrets=weak)
        if refuse_unauthenticated_kafka(s):
            log.warning("runtime.kafka_without_authentication")
        # No DDL: the set-up step migrated the database; its schema version must be this code's.
        self.pool = await open_pool(s.dsn, migrations=migration_dirs(s.service), dev_mode=s.dev_mode,
                                    min_size=min(2, s.db_pool_size), max_size=s.db_pool_size)
        self.store = EventStore(self.pool, witness=Witness(s.service, topics.audit()))
        self.metrics.time_appends(self.store)
        self.relay = OutboxRelay(s.dsn, s.kafka_bootstrap, batch=s.relay_batch, principal=s.service)
        self.spawn(self.relay.run, f"{s.service}-relay")
        groups = []
        if self.subscriptions:
            self._broker = build_broker(s.kafka_bootstrap, principal=s.service)
            for i, sub in enumerate(self.subscriptions):
                consumer = IdempotentConsumer(f"{s.service}-{i}", self.pool, sub.handler,
                                              dead_letter_topic=topics.dead_letter(), wants=sub.wants,
                                              reference_wait_seconds=s.reference_wait_seconds)
                group = Group(f"{topics._prefix()}-{s.service}-{i}", sub.topics)
                subscribe(self._broker, consumer, group.topics, group_id=group.group_id, max_records=s.consumer_batch)
                self.spawn(lambda c=consumer: redrive_when_asked(c, self._stopping), f"{consumer.name}-redrive")
                groups.append(group)
                self.groups[group.group_id] = list(sub.topics)
            await self._broker.start()
            route_framework_loggers()  # FastStream made its loggers as the broker started
        self.watch = ConsumerWatch(s.kafka_bootstrap, groups, s.stall_after_seconds, s.stall_check_seconds,
                                   client=client_kwargs(s.service))
        self.spawn(self.watch.run, f"{s.service}-stall-watch")
        if not any(job.name == "retention" for job in self.periodic):  # published outbox rows, old keys
            policy = RetentionPolicy.from_env()
            self.periodic.append(PeriodicJob("retention", lambda _uow: prune(self.pool, policy),
                                             every=ProcessSettings.current().retention_interval_seconds))
        if not any(job.name == "audit-checkpoint" for job in self.periodic):  # the signed checkpoints of this log
            self.periodic.append(PeriodicJob(
                "audit-checkpoint", checkpoint_job(s.service, witness.signing_key(s.service, s.dev_mode), topics.audit()),
                every=s.audit_checkpoint_seconds, isolation=CHECKPOINT_ISOLATION))
        for hook in self.on_started:
            await hook(self)
        if self.periodic:  # after the hooks: a job may read what one of them seeded
            self.periodic_runner = PeriodicRunner(s.dsn, self.unit_of_work, self.periodic, service=s.service)
            self.spawn(self.periodic_runner.run, f"{s.service}-periodic")
        log.info("runtime.started", database=s.database)

    async def stop(self) -> None:
        self._stopping.set()  # first: a worker that ends from here on is stopping, not crashing
        for hook in self.on_stopping:
            await hook(self)
        if self._broker is not None:
            await self._broker.stop()
        if self.periodic_runner:
            self.periodic_runner.stop()
        if self.relay:
            self.relay.stop()
        if self.watch:
            self.watch.stop()
        if self._lag:
            await self._lag.close()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 10)
        if self.pool:
            await self.pool.close()

    async def consumer_lag(self) -> dict[tuple[str, str, int], int] | None:
        if self._lag is None:
            self._lag = LagReader(self.settings.kafka_bootstrap, self.groups, client=client_kwargs(self.settings.service))
        return await self._lag.read()

    def spawn(self, run: Callable[[], Awaitable[None]], name: str) -> asyncio.Task:
        """Run a background loop for as long as the service runs, started again if it crashes
        (plumbing/workers.py). `run` makes a new run each call: pass `loop.run`, not `loop.run()`."""
        if not callable(run):
            raise TypeError(f"spawn({name!r}) needs a function that starts the loop, not {type(run).__name__}")
        worker = Worker(name, run, self._stopping, on_crash=self.metrics.worker_crashed)
        self.workers.append(worker)
        task = asyncio.create_task(worker.run(), name=name)
        self._tasks.append(task)
        return task

    async def check_db(self) -> None:
        await self.pool.fetchval("SELECT 1")

    async def check_outbox(self) -> None:
        if reasons := await outbox_reasons(self.pool, self.settings.stall_after_seconds):
            raise NotReady("; ".join(reasons))

    async def check_consumers(self) -> None:
        if self.watch and (reasons := self.watch.current()):
            raise NotReady("; ".join(reasons))

    async def check_workers(self) -> None:
        """The relay, projections and dispatchers: one waiting to start again after a crash, or a
        task that ended (never expected: Worker restarts), makes us not ready."""
        reasons = [r for w in self.workers if (r := w.reason())]
        reasons += [f"stopped: {t.get_name()} ({_how_it_ended(t)})" for t in self._tasks if t.done()]
        if reasons:
            raise NotReady("; ".join(reasons))

    async def ready(self) -> bool:
        """The cheap part of /readyz, for the `zc_ready` gauge (Kafka's own state is `zc_kafka_lag_up`)."""
        try:
            for check in (self.check_workers, self.check_outbox, self.check_consumers):
                await check()
        except NotReady:
            return False
        return True

    async def check_kafka(self) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap, request_timeout_ms=3000,
                                    **client_kwargs(self.settings.service))
        try:
            await asyncio.wait_for(admin.start(), 5)
            await asyncio.wait_for(admin.list_topics(), 5)
        finally:
            await stop_quietly(admin.close(), "readyz.kafka_close_failed", timeout=5)

    def lifespan(self):
        @contextlib.asynccontextmanager
        async def _lifespan(_app: FastAPI):
            await self.start()
            try:
                yield
            finally:
                await self.stop()
        return _lifespan


def _how_it_ended(task: asyncio.Task) -> str:
    if task.cancelled():
        return "cancelled"
    exc = task.exception()
    return f"{type(exc).__name__}: {exc}"[:200] if exc else "returned"


def build_app(runtime: Runtime, *, title: str, description: str = "",
              in_flight: Callable[[str, str], bool] | None = None) -> FastAPI:
    """A FastAPI app whose lifespan starts/stops the runtime, with health probes and error bodies.
    `in_flight(method, path)` selects the requests of a door bounded in number at once."""
    from plumbing.edges.authenticate_first import AuthenticateFirst
    from plumbing.edges.inflight import install_in_flight_limit
    from plumbing.edges.security import verify
    from plumbing.core.audit import install_audit
    from plumbing.edges.http import (install_body_limit, install_correlation, install_error_handlers, install_health,
                                     install_no_store)
    from plumbing.edges.http_guard import install_guard
    from plumbing.edges.ratelimit import RateLimiter
    from plumbing.edges.security import install_roles_in_openapi
    from plumbing.edges.metrics import install_metrics
    from plumbing.edges.openapi import install_contract
    from plumbing.edges.docs import install_offline_docs

    from plumbing.edges.json_body import StrictJsonRoute

    # The docs pages are served from this package's copies of their assets (plumbing/edges/docs.py).
    # FastAPI's own request spans are off: its server span would start a trace of its own for every
    # request without a traceparent, where ours (plumbing/edges/http.py) is in the correlation id's.
    app = FastAPI(title=title, description=description, lifespan=runtime.lifespan(), docs_url=None, redoc_url=None,
                  telemetry={"tracing": False})
    app.router.route_class = StrictJsonRoute  # routes declared on the app itself; routers set their own
    app.state.runtime = runtime
    install_error_handlers(app)
    install_guard(app)
    install_roles_in_openapi(app)
    install_contract(app)
    install_offline_docs(app)
    app.state.rate_limiter = RateLimiter(runtime.settings.rate_limit_per_minute, runtime.settings.rate_limit_burst)
    install_correlation(app, access_log=runtime.settings.access_log)
    install_no_store(app)
    install_body_limit(app, runtime.settings.body_limit)
    install_health(app, {"postgresql": runtime.check_db, "kafka": runtime.check_kafka,
                         "workers": runtime.check_workers, "outbox": runtime.check_outbox,
                         "consumers": runtime.check_consumers})
    install_audit(app, runtime)
    install_metrics(app, runtime.metrics, lambda: runtime.pool, runtime.consumer_lag, runtime.ready)
    if in_flight is not None:  # a door with a bound on requests at once (intake's filing routes)
        install_in_flight_limit(app, runtime.settings.max_in_flight, in_flight,
                                per_principal=runtime.settings.max_in_flight_per_principal)
    # Added last, so outermost: who is calling is known before the in-flight bound and any body byte.
    app.add_middleware(AuthenticateFirst, verify=lambda header: verify(runtime.settings, header))
    from plumbing.edges.asyncapi_docs import install_asyncapi

    install_asyncapi(app)  # every topic's AsyncAPI document, and its viewer
    return app


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    import uvicorn

    from plumbing import tracing
    from plumbing.edges.slow import bounded_protocol

    if tracing.configure(settings.service, settings):  # ZC_TRACE_* (plumbing/tracing.py)
        log.info("runtime.tracing", file=settings.trace_file or None, console=settings.trace_console,
                 otlp=settings.trace_otlp_endpoint or None)

    # On SIGTERM, requests in flight get 10 s to finish (under supervisord's 20 s before its SIGKILL),
    # then the service stops anyway: without a bound, one hung request kept a stop waiting for ever.
    # Headers and bodies must arrive within their read timeouts (plumbing/edges/slow.py: uvicorn has
    # none), so slow clients cannot hold connections or places in flight.
    # log_config=None: uvicorn's lines go through plumbing.logging's JSON handler, not its own
    # coloured text; the access log is ours (one JSON line per request with its correlation id).
    uvicorn.run(app, host=settings.host, port=settings.http_port, log_level="warning", access_log=False,
                timeout_graceful_shutdown=10, log_config=None,
                http=bounded_protocol(settings.header_read_timeout_seconds, settings.body_read_timeout_seconds))
