"""Every service serves /metrics in Prometheus text format with the figures an operator watches."""
from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.api import ID_NUMBER, applicant_token
from zc.supervise import SERVICES

EVERY_SERVICE = {"zc_http_requests", "zc_http_request_seconds", "zc_eventstore_append_seconds", "zc_outbox_pending",
                 "zc_outbox_oldest_pending_age_seconds", "zc_outbox_parked", "zc_dead_letters", "zc_consumer_records",
                 "zc_projection_lag_events", "zc_consumer_lag", "zc_kafka_lag_up"}


async def scrape(client: httpx.AsyncClient, url: str) -> dict:
    response = await client.get(f"{url}/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {f.name: f for f in text_string_to_metric_families(response.text)}


async def test_every_service_serves_the_operators_figures_in_prometheus_format(supervised, eventually):
    async with httpx.AsyncClient(timeout=10) as client:
        async def kafka_answers():  # the chaos test may just have restarted the broker
            lag_up = (await scrape(client, supervised.url("review")))["zc_kafka_lag_up"]
            return [s.value for s in lag_up.samples] == [1.0]

        await eventually(kafka_answers, timeout=120, interval=1)
        # with a token: a request without one is refused before routing (authenticate first), so only
        # an authenticated request reaches the route that the counter names
        await client.get(f"{supervised.url('intake')}/applications/00000000-0000-0000-0000-000000000000",
                         headers=applicant_token(ID_NUMBER))
        for service in SERVICES:
            families = await scrape(client, supervised.url(service))
            assert EVERY_SERVICE <= set(families), (service, EVERY_SERVICE - set(families))
            assert [s.value for s in families["zc_kafka_lag_up"].samples] == [1.0]
        intake = await scrape(client, supervised.url("intake"))
        notify = await scrape(client, supervised.url("notify"))
        review = await scrape(client, supervised.url("review"))
    routes = {(s.labels["route"], s.labels["status"]) for s in intake["zc_http_requests"].samples}
    # by route template, not by raw path (another's or an unknown application is hidden: 404)
    assert ("/applications/{application_id}", "404") in routes, routes
    assert {s.labels["status"] for s in notify["zc_sms_deliveries"].samples} >= {"pending", "sent", "failed"}
    lag = review["zc_consumer_lag"].samples
    assert lag and {"group", "topic", "partition"} <= set(lag[0].labels)
