"""`/metrics` in Prometheus text format (prometheus-client), the same on every service.

Two kinds of figures:
- counted as they happen, in this process: HTTP requests by route template, method and status, and
  the event store's append latency (a wrapper around `EventStore.append`, so the store itself
  carries no metrics code);
- read at scrape time from the service's own database and from Kafka, so they are true after a
  restart and need no line inside the relay or the consumer: outbox pending and the age of the
  oldest pending row, parked outbox rows, dead letters set aside,
  records processed per consumer, projection lag, consumer lag per partition, and whatever a
  service adds with `Metrics.add_query` (notify: SMS pending / sent / failed).

Who may read it: clients on the loopback address, without a token (Prometheus or an operator on the
same host, which is where the services listen by default); anyone else only with
`Authorization: Bearer $ZC_METRICS_TOKEN`, and not at all when that is unset. The figures carry no
personal data, but queue sizes and route names are still nobody else's business.
"""
from __future__ import annotations

import functools
import hmac
import ipaddress
import time
from dataclasses import dataclass, field

import asyncpg
from fastapi import FastAPI, Request, Response
from prometheus_client import (CONTENT_TYPE_LATEST, GC_COLLECTOR, PLATFORM_COLLECTOR, PROCESS_COLLECTOR,
                               CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest)
from prometheus_client.core import GaugeMetricFamily

from plumbing.edges.openapi import contract
from plumbing.edges.problems import problem
from plumbing.logging import get_logger
from plumbing.settings import ProcessSettings

log = get_logger(__name__)
METRICS_EXAMPLE = ("# HELP zc_outbox_pending Outbox rows not yet published to Kafka (parked rows excluded)\n"
                   "# TYPE zc_outbox_pending gauge\nzc_outbox_pending{service=\"intake\"} 0.0\n")
disable_created_metrics()  # no `_created` series: they double the output and nobody here graphs them


@dataclass(frozen=True)
class GaugeQuery:
    """A gauge read from the database at scrape time: each row is (label values..., value)."""

    name: str
    help: str
    sql: str
    labels: tuple[str, ...] = ()
    defaults: tuple[tuple[str, ...], ...] = ()  # label values shown as 0 when no row has them


CORE_QUERIES = (
    GaugeQuery("zc_outbox_pending", "Outbox rows not yet published to Kafka (parked rows excluded)",
               "SELECT count(*) FROM outbox WHERE published_at IS NULL AND parked_at IS NULL"),
    GaugeQuery("zc_outbox_oldest_pending_age_seconds", "Age of the oldest unpublished outbox row (0 when none)",
               "SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM outbox"
               " WHERE published_at IS NULL AND parked_at IS NULL"),
    GaugeQuery("zc_outbox_parked", "Outbox rows Kafka refused for good, parked and waiting for an operator (zc outbox)",
               "SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL AND discarded_at IS NULL AND published_at IS NULL"),
    GaugeQuery("zc_dead_letters", "Records this service set aside on the dead-letter topic (queued or sent)",
               "SELECT count(*) FROM outbox WHERE event_id IS NULL AND headers IS NULL AND topic NOT LIKE '%.audit.v1'"),
    GaugeQuery("zc_parked_records", "Consumed records parked after their retries (a bug, an outage), waiting for a fix"
               " and `zc deadletters redrive`, by consumer", "SELECT consumer, count(*) FROM parked_records"
               " WHERE status IN ('parked', 'redrive') GROUP BY consumer", ("consumer",)),
    GaugeQuery("zc_consumer_records", "Kafka records processed by each consumer, by outcome (inbox rows)",
               "SELECT consumer, status, count(*) FROM inbox GROUP BY consumer, status", ("consumer", "status")),
    GaugeQuery("zc_projection_lag_events", "Events of this service not yet applied by each projection",
               "SELECT c.name, (SELECT count(*) FROM events e WHERE (e.tx_id, e.position) > (c.tx_id, c.position))"
               " FROM checkpoints c", ("projection",)),
)


@dataclass(eq=False)  # registered as a collector: hashed by identity
class Metrics:
    service: str
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    queries: list[GaugeQuery] = field(default_factory=lambda: list(CORE_QUERIES))
    _snapshot: list[GaugeMetricFamily] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.requests = Counter("zc_http_requests", "HTTP requests by route template, method and status",
                                ("service", "route", "method", "status"), registry=self.registry)
        self.request_seconds = Histogram("zc_http_request_seconds", "HTTP request duration by route template",
                                         ("service", "route"), registry=self.registry)
        self.append_seconds = Histogram(
            "zc_eventstore_append_seconds", "Event store append latency (events + outbox rows, one statement)",
            ("service",), registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
        self.worker_crashes = Counter("zc_worker_crashes", "Background loops that crashed and were started again",
                                      ("service", "worker"), registry=self.registry)
        self.registry.register(self)  # collect() below serves the scrape-time snapshot
        # The client's default collectors: CPU, memory, open files, start time, GC, Python version.
        for default in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(default)

    def worker_crashed(self, worker: str) -> None:
        self.worker_crashes.labels(self.service, worker).inc()

    def add_query(self, query: GaugeQuery) -> None:
        self.queries.append(query)

    def collect(self):
        yield from self._snapshot

    def time_appends(self, store) -> None:
        """Measure `store.append` from outside, so eventstore.py stays free of metrics code."""
        append = store.append
        histogram = self.append_seconds.labels(self.service)

        @functools.wraps(append)
        async def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return await append(*args, **kwargs)
            finally:
                histogram.observe(time.perf_counter() - start)

        store.append = timed

    async def refresh(self, pool: asyncpg.Pool, lag: dict[tuple[str, str, int], int] | None,
                      ready: bool | None = None) -> None:
        """Read every scrape-time gauge now (the snapshot the next collect() returns)."""
        families = []
        async with pool.acquire() as conn:
            for q in self.queries:
                family = GaugeMetricFamily(q.name, q.help, labels=("service", *q.labels))
                rows = await conn.fetch(q.sql)
                seen = set()
                for row in rows:
                    labels = tuple(str(v) for v in tuple(row)[:-1])
                    seen.add(labels)
                    family.add_metric((self.service, *labels), float(tuple(row)[-1] or 0))
                for labels in q.defaults:
                    if labels not in seen:
                        family.add_metric((self.service, *labels), 0.0)
                families.append(family)
        up = GaugeMetricFamily("zc_kafka_lag_up", "1 when consumer lag could be read from Kafka at this scrape",
                               labels=("service",))
        up.add_metric((self.service,), 1.0 if lag is not None else 0.0)
        families.append(up)
        lag_family = GaugeMetricFamily("zc_consumer_lag", "Records on a partition not yet committed by the group",
                                       labels=("service", "group", "topic", "partition"))
        for (group, topic, partition), value in sorted((lag or {}).items()):
            lag_family.add_metric((self.service, group, topic, str(partition)), float(value))
        families.append(lag_family)
        if ready is not None:
            gauge = GaugeMetricFamily("zc_ready", "1 when the service's workers, outbox and consumers are not stalled "
                                      "(what /readyz checks besides PostgreSQL and Kafka)", labels=("service",))
            gauge.add_metric((self.service,), 1.0 if ready else 0.0)
            families.append(gauge)
        self._snapshot = families


def _loopback(request: Request) -> bool:
    try:
        return ipaddress.ip_address(request.client.host).is_loopback if request.client else False
    except ValueError:
        return False


def may_read_metrics(request: Request) -> bool:
    if _loopback(request):
        return True
    token = ProcessSettings.current().metrics_token
    given = request.headers.get("authorization", "")
    return bool(token) and hmac.compare_digest(given, f"Bearer {token}")


def install_metrics(app: FastAPI, metrics: Metrics, pool_of, lag_of, ready_of=None) -> None:
    """Count every request by route template; serve GET /metrics (see the module's docstring)."""

    @app.middleware("http")
    async def count(request: Request, call_next):
        start = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = getattr(request.scope.get("route"), "path", "<unmatched>")
            metrics.requests.labels(metrics.service, route, request.method, str(status)).inc()
            metrics.request_seconds.labels(metrics.service, route).observe(time.perf_counter() - start)

    @app.get("/metrics", tags=["ops"], include_in_schema=True, summary="Prometheus metrics (loopback or token)",
             **contract("metrics", content={CONTENT_TYPE_LATEST.split(";")[0]: {
                 "schema": {"type": "string"}, "example": METRICS_EXAMPLE}}, fails=(403,)))
    async def serve_metrics(request: Request) -> Response:
        if not may_read_metrics(request):
            return problem(403, "METRICS_FORBIDDEN", "监控指标仅对本机或持有监控令牌的请求开放",
                           "metrics are served to loopback clients or with the metrics token", {})
        try:
            await metrics.refresh(pool_of(), await lag_of(), await ready_of() if ready_of else None)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("metrics.refresh_failed", error=repr(exc))  # serve the counters; gauges keep their last values
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
