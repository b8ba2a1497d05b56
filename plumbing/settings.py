"""Settings from environment variables (pydantic-settings); every default is documented here.

| variable | default | meaning |
|---|---|---|
| DATABASE_URL | postgresql://postgres@127.0.0.1:55432/postgres | server to use (its maintenance db) |
| ZC_DB_NAME | zc_<service> | this service's own database on that server |
| ZC_KAFKA_BOOTSTRAP | 127.0.0.1:9092 | Kafka bootstrap servers |
| ZC_TOPIC_PREFIX | zc | prefix of every topic (tests use their own) |
| ZC_PLAN | shaoxing-2020 | plan name (contracts/plans) or path |
| ZC_HOST / ZC_PORT | 127.0.0.1 / per service | HTTP listen address |
| ZC_JWT_SECRET | dev-only-jwt-secret-change-me-in-production | HS256 key for role tokens |
| ZC_PERSON_REF_SECRET | dev-only-person-ref-key | HMAC key turning ID numbers into person_ref |
| ZC_LOG_JSON | auto (JSON unless on a terminal) | log format |
| ZC_STALL_AFTER_SECONDS | 120 | /readyz turns red when an outbox row, a parked row or an unprocessed Kafka record is older, or a consumer has not committed for that long while records wait |
| ZC_STALL_CHECK_SECONDS | 5 | how often the consumers' progress is read from Kafka |
| ZC_HTTP_BODY_MAX_BYTES | intake 2 MiB, others 512 KiB | larger request bodies are refused with 413 (contracts/limits.py says why) |
| ZC_DEV_MODE | false | allow the development secrets above (`make up` / `make test` set it); without it a service refuses to start with them |
| ZC_JWT_AUDIENCE | zhicheng | the `aud` claim every token must carry |
| ZC_RATE_LIMIT_PER_MINUTE / ZC_RATE_LIMIT_BURST | 600 / 120 | requests per caller (token subject) per minute, and at once; 0 switches limits off |
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.limits import HTTP_BODY_MAX_BYTES_DEFAULT, HTTP_BODY_MAX_BYTES_INTAKE

DEFAULT_PORTS = {"intake": 8001, "eligibility": 8002, "review": 8003, "notify": 8004}


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZC_", extra="ignore")

    service: str = "zhicheng"
    database_url: str = Field(default="postgresql://postgres@127.0.0.1:55432/postgres",
                              validation_alias="DATABASE_URL")
    db_name: str | None = None
    kafka_bootstrap: str = "127.0.0.1:9092"
    plan: str = "shaoxing-2020"
    host: str = "127.0.0.1"
    port: int | None = None
    jwt_secret: str = "dev-only-jwt-secret-change-me-in-production"
    person_ref_secret: str = "dev-only-person-ref-key"
    relay_batch: int = 500
    consumer_batch: int = 200
    log_json: bool | None = None
    stall_after_seconds: float = Field(default=120, gt=0)
    stall_check_seconds: float = Field(default=5, gt=0)
    http_body_max_bytes: int | None = Field(default=None, gt=0)
    dev_mode: bool = False
    jwt_audience: str = "zhicheng"
    rate_limit_per_minute: int = 600
    rate_limit_burst: int = 120

    @property
    def database(self) -> str:
        return self.db_name or f"zc_{self.service}"

    @property
    def dsn(self) -> str:
        return with_database(self.database_url, self.database)

    @property
    def body_limit(self) -> int:
        if self.http_body_max_bytes:
            return self.http_body_max_bytes
        return HTTP_BODY_MAX_BYTES_INTAKE if self.service == "intake" else HTTP_BODY_MAX_BYTES_DEFAULT

    @property
    def http_port(self) -> int:
        return self.port or DEFAULT_PORTS.get(self.service, 8000)


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))
