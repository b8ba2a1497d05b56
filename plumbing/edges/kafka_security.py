"""Kafka client security in ONE place: who this client is (a SASL/SCRAM principal) and the keyword
arguments each client library needs to say so.

| variable | default | meaning |
|---|---|---|
| ZC_KAFKA_USER / ZC_KAFKA_PASSWORD | (unset) | this process's principal and password (deployments) |
| ZC_KAFKA_CREDENTIALS | infra/.run/kafka/credentials | `name=password` lines written by `infra/kafka/kafka.sh` (admin, controller) and `plumbing.edges.topics_admin` (the others): the set-up's and the tests' file (root, 0600); a supervised service gets its own file with its one line (plumbing/provision.py) |

A service asks for its own name (`client_kwargs("intake")`); tests and tools ask for a principal made
for them (`TOOL_WRITER`, `TOOL_READER`). With no credentials at all the client speaks PLAINTEXT
(an external broker without authentication, e.g. docker-compose); a broker that requires SASL then
refuses it.
"""
from __future__ import annotations

import secrets
from pathlib import Path
from plumbing.settings import KafkaLogin

SERVICES = ("intake", "eligibility", "review", "notify")
ADMIN = "admin"
TOOL_WRITER = "tool-writer"  # tests and tools that must write poison or forged records
TOOL_READER = "tool-reader"  # tests and tools that read topics (groups prefixed "tool-")
AUDITOR = "auditor"  # `zc audit`: reads the audit topic and the event topics, never personal data
MECHANISM = "SCRAM-SHA-256"
_DEFAULT_FILE = Path(__file__).resolve().parents[2] / "infra" / ".run" / "kafka" / "credentials"


def credentials_file() -> Path:
    return Path(KafkaLogin.current().kafka_credentials or _DEFAULT_FILE)


def read_credentials(path: Path | None = None) -> dict[str, str]:
    path = path or credentials_file()
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {name.strip(): password.strip() for name, password in pairs}


def ensure_credentials(names: tuple[str, ...], path: Path | None = None) -> dict[str, str]:
    """Give every principal in `names` a random password (kept if it has one); returns them all."""
    path = path or credentials_file()
    known = read_credentials(path)
    missing = [n for n in names if n not in known]
    if missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as out:
            for name in missing:
                known[name] = secrets.token_hex(24)
                out.write(f"{name}={known[name]}\n")
        path.chmod(0o600)
    return known


def _login(principal: str | None) -> tuple[str, str] | None:
    given = KafkaLogin.current()
    own = given.kafka_user
    user = principal or own
    if not user:
        return None
    password = given.kafka_password if user == own else None
    password = password or read_credentials().get(user)
    return (user, password) if password else None


def client_kwargs(principal: str | None = None) -> dict:
    """Keyword arguments for aiokafka's and kafka-python's clients (they share these names)."""
    login = _login(principal)
    if login is None:
        return {}
    return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": MECHANISM,
            "sasl_plain_username": login[0], "sasl_plain_password": login[1]}


def java_client_properties(principal: str | None = None) -> list[str]:
    """The same login as `key=value` properties, for Kafka's own Java tools (the benchmark's peers)."""
    login = _login(principal)
    if login is None:
        return []
    return ["security.protocol=SASL_PLAINTEXT", f"sasl.mechanism={MECHANISM}",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
            f' username="{login[0]}" password="{login[1]}";']


def faststream_kwargs(principal: str | None = None) -> dict:
    """Keyword arguments for FastStream's KafkaBroker."""
    from faststream.security import SASLScram256

    login = _login(principal)
    return {"security": SASLScram256(login[0], login[1], use_ssl=False)} if login else {}
