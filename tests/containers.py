"""Optional path: when no stack is reachable and a Docker engine answers, start PostgreSQL and Kafka
with testcontainers (`pytest` run directly on a machine with Docker). `make test` always provides
the local stack first, so this path is used only outside it; on this project's machines (no Docker
engine) it is never taken."""
from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001 - no engine, no socket, no package: all mean "no"
        return False


def ensure_stack(database_url: str, bootstrap: str) -> list:
    """Returns the containers it started (to stop at the end); [] when the stack is already there."""
    db = urlsplit(database_url)
    host, port = bootstrap.split(":")
    if (reachable(db.hostname, db.port or 5432) and reachable(host, int(port))) or not docker_answers():
        return []
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    postgres = PostgresContainer("postgres:15", username="postgres", password="postgres").start()
    kafka = KafkaContainer("apache/kafka:4.1.1").with_kraft().start()
    os.environ["DATABASE_URL"] = postgres.get_connection_url().replace("+psycopg2", "")
    os.environ["ZC_KAFKA_BOOTSTRAP"] = kafka.get_bootstrap_server()
    return [postgres, kafka]
