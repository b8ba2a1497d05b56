"""Settings from environment variables (pydantic-settings); every default is documented here.

| variable | default | meaning |
|---|---|---|
| ZC_PG_PORT | 55432 | port of the project-local PostgreSQL (used when DATABASE_URL is not given) |
| DATABASE_URL | postgresql://postgres@127.0.0.1:$ZC_PG_PORT/postgres | server to use (its maintenance db) |
| ZC_DB_NAME | zc_<service> | this service's own database on that server |
| ZC_DB_CREDENTIALS | (none) | the service's own credentials file (`database=<password>` line; plumbing/provision.py writes it): the service logs in as `zc_<service>` |
| ZC_DB_USER / ZC_DB_PASSWORD | zc_<service> / (none) | the same login given directly; with neither, DATABASE_URL's user is used, which outside development must not be a superuser |
| ZC_KAFKA_PORT | 9092 | port of the project-local Kafka broker (used when ZC_KAFKA_BOOTSTRAP is not given) |
| ZC_KAFKA_BOOTSTRAP | 127.0.0.1:$ZC_KAFKA_PORT | Kafka bootstrap servers |
| ZC_TOPIC_PREFIX | zc | prefix of every topic (tests use their own) |
| ZC_PLAN | shaoxing-2020 | plan name (contracts/plans) or path |
| ZC_HOST / ZC_PORT | 127.0.0.1 / $ZC_<SERVICE>_PORT | HTTP listen address |
| ZC_INTAKE_PORT ... ZC_NOTIFY_PORT | 8001 / 8002 / 8003 / 8004 | each service's port, read by the stack, the demo and the CLI |
| ZC_METRICS_TOKEN | (none) | lets a non-loopback scraper read /metrics with `Authorization: Bearer <token>` |
| ZC_TOKEN_PUBLIC_KEY | the development public key | the issuer's Ed25519 public key (PEM, or a PEM file's path): role tokens are verified with it; no service holds the private key |
| ZC_PERSON_REF_SECRET | intake only: dev-only-person-ref-key | HMAC key turning ID numbers into person_ref; any other service, the web, the token service and the provider refuse to start holding it (outside ZC_DEV_MODE) |
| ZC_OPERATOR_REF_SECRET | review only: dev-only-operator-ref-key | HMAC key turning a unit operator into operator_ref; any other service refuses to start holding it |
| ZC_LOG_JSON | auto (JSON unless on a terminal) | log format |
| ZC_RETENTION_OUTBOX_DAYS / ZC_RETENTION_IDEMPOTENCY_HOURS / ZC_RETENTION_INTERVAL_SECONDS | 7 / 24 / 3600 | published outbox rows and Idempotency-Keys pruned after that (plumbing/core/retention.py; inbox rows never) |
| ZC_ACCESS_LOG | true | one `http.access` JSON line per request (method, route, status, duration, ids) |
| ZC_TRACE_FILE / ZC_TRACE_CONSOLE / ZC_TRACE_OTLP_ENDPOINT | (none) / false / (none) | OpenTelemetry spans as JSON lines to a file, to stdout, or over OTLP/HTTP to a collector's traces URL (plumbing/tracing.py); none set: no spans |
| ZC_TRACE_SAMPLE_RATIO | 1 | the share of traces recorded, chosen by trace id (the same filings' in every service) |
| ZC_STALL_AFTER_SECONDS | 120 | /readyz turns red when an outbox row, a parked row or an unprocessed Kafka record is older, or a consumer has not committed for that long while records wait |
| ZC_REFERENCE_WAIT_SECONDS | 120 | how long a consumed record may wait for what it refers to (plumbing/core/references.py), then it is parked |
| ZC_STALL_CHECK_SECONDS | 5 | how often the consumers' progress is read from Kafka |
| ZC_HTTP_BODY_MAX_BYTES | intake 2 MiB, others 512 KiB | larger request bodies are refused with 413 (contracts/limits.py says why) |
| ZC_DEV_MODE | false | allow the development secrets above (`make up` / `make test` set it); without it a service refuses to start with them |
| ZC_JWT_AUDIENCE | zhicheng | the `aud` claim every token must carry |
| ZC_RATE_LIMIT_PER_MINUTE / ZC_RATE_LIMIT_BURST | 600 / 120 | requests per caller (token subject) per minute, and at once; 0 switches limits off |
| ZC_WEB_PORT / ZC_IDP_PORT / ZC_TOKENS_PORT | 8010 / 8011 / 8012 | the web front end, the development identity provider, the token service |
| ZC_IDP_URL | http://127.0.0.1:$ZC_IDP_PORT | the OpenID Connect issuer the web signs people in with (the identity port's configuration) |
| ZC_WEB_CLIENT_ID | zhicheng-web | the web front end's client id at that provider |
| ZC_WEB_SESSION_DB | infra/.run/web/sessions.sqlite3 | the web's own session store |
| ZC_WEB_SESSION_MINUTES | 60 | a session ends this long after its last use (and never outlives its role token) |
| ZC_ACCOUNTS_FILE | identity/accounts.json | operator data: provider subject → account (role, organisation, area, uid, name) |
| ZC_AUDIT_CHECKPOINT_SECONDS | 60 | how often a service signs a checkpoint of its log (plumbing/core/checkpoints.py) |
| ZC_AUDIT_SIGNING_KEY | (development key under ZC_DEV_MODE) | base64 of this service's 32-byte Ed25519 seed; its public key goes to auditors (`zc audit keygen`) |
| ZC_AUDIT_PUBLIC_KEYS | (development keys under ZC_DEV_MODE) | `service=base64,...`: the keys `zc audit verify` checks checkpoints with |
| ZC_CLOCK_FILE / ZC_CLOCK_OFFSET_SECONDS | (none) / 0 | the season clock: a file holding the offset in seconds (`zc clock`), else a fixed offset (ClockSettings) |
| ZC_KAFKA_CREDENTIALS / ZC_KAFKA_USER / ZC_KAFKA_PASSWORD / ZC_KAFKA_TOOLS | infra/.run/kafka/credentials / (none) / (none) / 0 | the principals' passwords file, this process's own principal, and whether the set-up creates the tools' principals (KafkaLogin) |
| ZC_TRACE_FILE / ZC_TRACE_CONSOLE | (none) / 0 | spans as JSON lines to a file, or to the console (plumbing/tracing.py) |
| ZC_AUDIT_TOKEN / ZC_TOKEN | (a development token) | `zc audit`'s and `zc notify`'s bearer tokens |
| ZC_WATCHDOG_FAILURES / ZC_WATCHDOG_GRACE_SECONDS | 6 / 60 | zc/watchdog.py: failed probes in a row before a restart, and the grace after a start |
| ZC_BENCH_REPORTS / ZC_WEB_ASSETS_DIR / ZC_IDENTITY_PROVIDER | reports / infra/.cache/web-assets/node_modules / oidc | the bench's output, the web's htmx and axe-core, the web's identity adapter |
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.limits import HTTP_BODY_MAX_BYTES_DEFAULT, HTTP_BODY_MAX_BYTES_INTAKE
from plumbing.edges.auth import DEV_OPERATOR_REF_SECRET, DEV_PERSON_REF_SECRET, DEV_TOKEN_PUBLIC_KEY

DEFAULT_PORTS = {"intake": 8001, "eligibility": 8002, "review": 8003, "notify": 8004,
                 "web": 8010, "idp": 8011, "tokens": 8012}
_SERVICES = ("intake", "eligibility", "review", "notify")  # the four that hold one key each, or none
# Each keyed-hash secret, the one service that holds it, and its (public) development value.
SECRET_HOLDERS = {"person_ref_secret": ("intake", DEV_PERSON_REF_SECRET),
                  "operator_ref_secret": ("review", DEV_OPERATOR_REF_SECRET)}


class _ReadAtUse:
    """Settings read at each use, not once at start-up as ServiceSettings are: a test, the season
    clock, a script or a tool may set them while the process runs. Each field is the variable
    `ZC_<FIELD>` of the table above, typed by its default; cheap (a few dictionary lookups), so it
    may be read on hot paths (the clock). With ServiceSettings, the only readers of the
    environment (tests/unit/test_one_configuration_channel.py)."""

    @classmethod
    def current(cls):
        env, values = os.environ, {}
        for f in fields(cls):
            raw = env.get(f"ZC_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            default = f.default
            values[f.name] = (raw.lower() in ("1", "true", "yes") if isinstance(default, bool)
                              else type(default)(raw) if isinstance(default, (int, float)) else raw)
        return cls(**values)


@dataclass(frozen=True)
class Addresses(_ReadAtUse):
    """The stack's ports (DATABASE_URL is the one variable without the ZC_ prefix)."""
    pg_port: int = 55432
    kafka_bootstrap: str = ""
    kafka_port: int = 9092
    intake_port: int = DEFAULT_PORTS["intake"]
    eligibility_port: int = DEFAULT_PORTS["eligibility"]
    review_port: int = DEFAULT_PORTS["review"]
    notify_port: int = DEFAULT_PORTS["notify"]
    web_port: int = DEFAULT_PORTS["web"]
    idp_port: int = DEFAULT_PORTS["idp"]
    tokens_port: int = DEFAULT_PORTS["tokens"]

    @staticmethod
    def database_url() -> str:
        return os.environ.get("DATABASE_URL", "")


@dataclass(frozen=True)
class ClockSettings(_ReadAtUse):
    clock_file: str = ""  # ZC_CLOCK_FILE: the season clock's offset, in seconds, written by `zc clock`
    clock_offset_seconds: float = 0.0  # ZC_CLOCK_OFFSET_SECONDS: a fixed offset when there is no file


@dataclass(frozen=True)
class KafkaLogin(_ReadAtUse):
    kafka_credentials: str = ""  # ZC_KAFKA_CREDENTIALS: the principals' passwords file (tools, tests)
    kafka_user: str = ""  # ZC_KAFKA_USER / ZC_KAFKA_PASSWORD: this process's own principal
    kafka_password: str = ""
    kafka_tools: bool = False  # ZC_KAFKA_TOOLS=1: the set-up also creates the tools' principals


@dataclass(frozen=True)
class AuditSettings(_ReadAtUse):
    audit_signing_key: str = ""  # ZC_AUDIT_SIGNING_KEY (table above)
    audit_public_keys: str = ""  # ZC_AUDIT_PUBLIC_KEYS (table above)
    audit_token: str = ""  # ZC_AUDIT_TOKEN: `zc audit`'s auditor token (a development one otherwise)
    dev_mode: bool = False


@dataclass(frozen=True)
class ProcessSettings(_ReadAtUse):
    """The rest of what a process or a tool reads: each variable where its reader documents it."""
    metrics_token: str = ""
    token_private_key: str = ""  # ZC_TOKEN_PRIVATE_KEY: the development issuer's key (plumbing/edges/dev_issuer.py)
    token: str = ""  # ZC_TOKEN: a CLI command's bearer token
    stack_dir: str = ""  # ZC_STACK_DIR: where the services' system users find their runtime and credentials (plumbing/provision.py)
    runtime_python: str = ""  # ZC_RUNTIME_PYTHON: the interpreter the runtime installation is made from (zc/install.py)
    retention_outbox_days: float = 7.0
    retention_idempotency_hours: float = 24.0
    retention_interval_seconds: float = 3600.0
    watchdog_failures: int = 6  # ZC_WATCHDOG_*: zc/watchdog.py
    watchdog_grace_seconds: float = 60.0
    notify_department_contacts: str = ""  # the operator data file `zc contacts` checks (services/notify/settings.py)
    notify_rate_windows: str = ""  # passed on to notify by `make up` (services/notify/settings.py)
    notify_reminder_interval_seconds: str = ""
    bench_reports: str = ""  # ZC_BENCH_REPORTS: where `zc bench` writes (reports/)
    web_assets_dir: str = ""  # ZC_WEB_ASSETS_DIR: htmx and axe-core (web/app.py)
    accounts_file: str = ""  # ZC_ACCOUNTS_FILE (table above)
    identity_provider: str = "oidc"  # ZC_IDENTITY_PROVIDER: identity/port.py


# The one place that turns the port settings into addresses. Every script, the demo, the bench and
# the tests call these, so a second stack on other ports is never reached by mistake.
def database_url() -> str:
    return Addresses.database_url() or f"postgresql://postgres@127.0.0.1:{Addresses.current().pg_port}/postgres"


def kafka_bootstrap() -> str:
    given = Addresses.current()
    return given.kafka_bootstrap or f"127.0.0.1:{given.kafka_port}"


def service_port(service: str) -> int:
    return int(getattr(Addresses.current(), f"{service}_port", 8000))


def service_url(service: str) -> str:
    return f"http://127.0.0.1:{service_port(service)}"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZC_", extra="ignore")

    service: str = "zhicheng"
    database_url: str = Field(default_factory=database_url, validation_alias="DATABASE_URL")
    db_name: str | None = None
    db_user: str | None = None
    db_password: str = ""
    db_credentials: str = ""
    kafka_bootstrap: str = Field(default_factory=kafka_bootstrap)
    plan: str = "shaoxing-2020"
    host: str = "127.0.0.1"
    port: int | None = None
    token_public_key: str = DEV_TOKEN_PUBLIC_KEY
    # Held by one service each (SECRET_HOLDERS); elsewhere cleared and named in `foreign_secrets`.
    person_ref_secret: str = ""
    operator_ref_secret: str = ""
    foreign_secrets: list[str] = Field(default_factory=list, exclude=True)
    relay_batch: int = 500
    consumer_batch: int = 200
    reference_wait_seconds: float = Field(default=120, gt=0)  # ZC_REFERENCE_WAIT_SECONDS (plumbing/core/references.py)
    log_json: bool | None = None
    access_log: bool = True  # ZC_ACCESS_LOG: one JSON line per HTTP request (plumbing/edges/http.py)
    # Where spans go (plumbing/tracing.py); with none of them tracing is off and nothing is instrumented.
    trace_file: str = ""  # ZC_TRACE_FILE
    trace_console: bool = False  # ZC_TRACE_CONSOLE
    trace_otlp_endpoint: str = ""  # ZC_TRACE_OTLP_ENDPOINT, e.g. http://127.0.0.1:4318/v1/traces
    trace_sample_ratio: float = Field(default=1.0, ge=0, le=1)  # ZC_TRACE_SAMPLE_RATIO: the share of traces kept
    stall_after_seconds: float = Field(default=120, gt=0)
    stall_check_seconds: float = Field(default=5, gt=0)
    http_body_max_bytes: int | None = Field(default=None, gt=0)
    dev_mode: bool = False
    jwt_audience: str = "zhicheng"
    rate_limit_per_minute: int = 600
    rate_limit_burst: int = 120
    max_in_flight: int = Field(default=64, gt=0)  # ZC_MAX_IN_FLIGHT: a door's requests at once (plumbing/edges/inflight.py)
    # ZC_MAX_IN_FLIGHT_PER_PRINCIPAL: one person's requests at the same door at once (a person's client
    # needs one or two; a bound far below the door's keeps one token from holding the door shut)
    max_in_flight_per_principal: int = Field(default=4, gt=0)
    # ZC_HEADER_READ_TIMEOUT_SECONDS / ZC_BODY_READ_TIMEOUT_SECONDS: a request's headers, then its body,
    # must arrive within this long, or it is answered 408 and its connection closed (plumbing/edges/slow.py)
    header_read_timeout_seconds: float = Field(default=10, gt=0)
    body_read_timeout_seconds: float = Field(default=10, gt=0)
    # ZC_DB_POOL_SIZE: the service's PostgreSQL connections at most. Code holding one must never ask
    # the pool for a second (under load every holder waits for another and none returns its own):
    # tests run services with one connection, where any such wait never ends.
    db_pool_size: int = Field(default=10, gt=0)
    audit_checkpoint_seconds: float = Field(default=60, gt=0)

    @model_validator(mode="after")
    def _only_own_secrets(self) -> ServiceSettings:
        """A service keeps only the keys it holds (ARCHITECTURE.md "Least privilege"); one it was given
        but does not hold is dropped here and named, so the runtime refuses to start outside development.
        A tool (any other `service` name, e.g. `zc token`) may read them all."""
        for name, (holder, dev) in SECRET_HOLDERS.items():
            if self.service in _SERVICES and self.service != holder:
                if getattr(self, name):
                    self.foreign_secrets.append(f"ZC_{name.upper()}")
                setattr(self, name, "")
            elif not getattr(self, name):
                setattr(self, name, dev)
        return self

    @property
    def database(self) -> str:
        return self.db_name or f"zc_{self.service}"

    @property
    def dsn(self) -> str:
        """The service's own login (zc_<service>, SCRAM) when it has a password; else DATABASE_URL's user."""
        password = self.db_password or _credential(self.db_credentials, "database")
        if not password:
            return with_database(self.database_url, self.database)
        parts = urlsplit(with_database(self.database_url, self.database))
        user = self.db_user or f"zc_{self.service}"
        netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.hostname or '127.0.0.1'}"
        return urlunsplit(parts._replace(netloc=netloc + (f":{parts.port}" if parts.port else "")))

    @property
    def body_limit(self) -> int:
        if self.http_body_max_bytes:
            return self.http_body_max_bytes
        return HTTP_BODY_MAX_BYTES_INTAKE if self.service == "intake" else HTTP_BODY_MAX_BYTES_DEFAULT

    @property
    def http_port(self) -> int:
        return self.port or service_port(self.service)


def _credential(path: str, name: str) -> str:
    if not path:
        return ""
    for line in Path(path).read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == name:
            return value.strip()
    return ""


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


class IdentitySettings(BaseSettings):
    """The web front end, the development identity provider and the token service (identity/, web/)."""
    model_config = SettingsConfigDict(env_prefix="ZC_", extra="ignore")

    dev_mode: bool = False
    jwt_audience: str = "zhicheng"
    web_port: int = Field(default_factory=lambda: service_port("web"))
    idp_port: int = Field(default_factory=lambda: service_port("idp"))
    tokens_port: int = Field(default_factory=lambda: service_port("tokens"))
    idp_url: str = Field(default_factory=lambda: service_url("idp"))
    web_client_id: str = "zhicheng-web"
    web_session_db: str = "infra/.run/web/sessions.sqlite3"
    web_session_minutes: float = Field(default=60, gt=0)
    trace_file: str = ""  # ZC_TRACE_FILE / _CONSOLE / _OTLP_ENDPOINT, as for the services (plumbing/tracing.py)
    trace_console: bool = False
    trace_otlp_endpoint: str = ""
    trace_sample_ratio: float = Field(default=1.0, ge=0, le=1)

    @property
    def foreign_secrets(self) -> list[str]:
        """The services' keys found in this front-end process's environment: none of them is the
        front end's to hold (the person_ref key is intake's alone; the token service asks intake)."""
        return [f"ZC_{name.upper()}" for name in SECRET_HOLDERS if os.environ.get(f"ZC_{name.upper()}")] + \
            (["ZC_PERSONAL_DATA_MASTER_KEY"] if os.environ.get("ZC_PERSONAL_DATA_MASTER_KEY") else [])

    def refuse_foreign_secrets(self, process: str) -> list[str]:
        """Outside development a front-end process given a service's key refuses to start (as a
        service given another's does, plumbing/runtime.py); in development the key is ignored and named."""
        if (found := self.foreign_secrets) and not self.dev_mode:
            raise SystemExit(f"refusing to start: {process} must not hold {', '.join(found)} "
                             "(each key is given only to the service that uses it)")
        return found

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def tokens_url(self) -> str:
        return f"http://127.0.0.1:{self.tokens_port}"
