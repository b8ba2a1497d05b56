"""The stack chaos runs against: the four services and a fake SMS provider under supervisord, on
free ports, with databases and topics named for this run (so a `make up` stack is not touched),
against the PostgreSQL and Kafka of this worktree, which chaos may restart."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg

from contracts import topics
from plumbing import clock
from plumbing.settings import database_url, kafka_bootstrap, with_database
from plumbing.edges.topics_admin import ensure_topics
from plumbing.provision import service_database
from zc.supervise import ROOT, SERVICES, Program, Supervisor, service_program
from plumbing.child_env import child_environment

SEASON_START = "2020-08-10T09:00:00+08:00"  # the 2020 plan's deadlines are in the past: its own clock
SMS_KEY = "chaos-provider-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ChaosStack:
    def __init__(self, run_id: str | None = None) -> None:
        self.run_id = run_id or uuid.uuid4().hex[:8]
        self.prefix = f"chaos{self.run_id}"
        self.databases = {s: f"zc_chaos_{self.run_id}_{s}" for s in SERVICES}
        self.ports = {s: free_port() for s in (*SERVICES, "sms")}
        self.server_url, self.bootstrap = database_url(), kafka_bootstrap()
        shared = {"DATABASE_URL": self.server_url, "ZC_KAFKA_BOOTSTRAP": self.bootstrap, "ZC_TOPIC_PREFIX": self.prefix,
                  "ZC_CLOCK_OFFSET_SECONDS": f"{clock.offset_for(SEASON_START):.3f}", "ZC_NOTIFY_RATE_WINDOWS": "1:1000",
                  "ZC_SMS_GATEWAY": "http", "ZC_SMS_URL": f"http://127.0.0.1:{self.ports['sms']}/sms",
                  "ZC_SMS_API_KEY": SMS_KEY, "ZC_SMS_TIMEOUT_SECONDS": "2", "ZC_SMS_MAX_ATTEMPTS": "3",
                  "ZC_SMS_BACKOFF_BASE": "0.2", "ZC_SMS_BACKOFF_CAP": "2", "ZC_NOTIFY_MAX_ROUNDS": "20",
                  # the faults list a message at most 5 s late: a minute's bound leaves none unknown
                  "ZC_SMS_CHECK_INTERVAL_SECONDS": "1", "ZC_SMS_CHECK_BOUND_SECONDS": "60"}
        inherited = child_environment(keep=lambda k: k in ("ZC_TOKEN_PUBLIC_KEY", "ZC_PERSON_REF_SECRET"))
        # As `make up` runs them: each as its own system user, from the runtime installation (as root).
        programs = [service_program(s, self.ports[s], {**shared, **inherited,
                                                       **service_database(s, self.databases[s], url=self.server_url)},
                                    own_user=True)
                    for s in SERVICES]
        programs.append(Program("sms", [sys.executable, "-m", "tests.fake_sms_provider",
                                        "--port", str(self.ports["sms"]), "--api-key", SMS_KEY]))
        # The watchdog kills a service after 5 failed probes (about 25 s): well past the 14 s pause fault.
        self.supervisor = Supervisor(ROOT / "infra" / ".run" / f"chaos-{self.run_id}", programs,
                                     watchdog_env={"ZC_WATCHDOG_FAILURES": "5", "ZC_WATCHDOG_GRACE_SECONDS": "30"})

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def dsn(self, service: str) -> str:
        return with_database(self.server_url, self.databases[service])

    def topic(self, name: str) -> str:
        return getattr(topics, name)(self.prefix)

    def start(self) -> float:
        ensure_topics(self.bootstrap, prefix=self.prefix)
        self.supervisor.start()
        return self.supervisor.wait_ready(timeout=120)

    async def stop(self, *, keep_logs: bool = False) -> None:
        self.supervisor.shutdown()
        conn = await asyncpg.connect(with_database(self.server_url, "postgres"))
        try:
            for name in self.databases.values():
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
        if not keep_logs:
            shutil.rmtree(self.supervisor.run_dir, ignore_errors=True)


def infra(component: str, action: str) -> None:
    """Stop or start this worktree's PostgreSQL or Kafka through the same scripts `make up` uses."""
    script = {"postgres": "infra/postgres/postgres.sh", "kafka": "infra/kafka/kafka.sh"}[component]
    env = child_environment(drop=("DATABASE_URL",))  # our own cluster, not an external one
    done = subprocess.run([str(ROOT / script), action], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{script} {action} failed ({done.returncode}): {done.stderr.strip()[-500:]}")


def owns(component: str) -> bool:
    """True when the server chaos talks to is the one this worktree's script runs (so it may restart it)."""
    script = {"postgres": "infra/postgres/postgres.sh", "kafka": "infra/kafka/kafka.sh"}[component]
    env = child_environment(drop=("DATABASE_URL",))
    out = subprocess.run([str(ROOT / script), "status"], cwd=ROOT, env=env, capture_output=True, text=True).stdout
    if "running" not in out:
        return False
    address = database_url() if component == "postgres" else kafka_bootstrap()
    return out.strip().split()[-1] in address  # "…: running … 127.0.0.1:<port>"
