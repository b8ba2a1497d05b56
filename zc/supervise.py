"""The four services, the web front end and its identity processes under supervisord, which restarts a process that exits.

`infra/stack.sh services-up | services-down | status` call `python -m zc.supervise up | down | status`;
the kill test and `make chaos` build their own `Supervisor` with their own folder, ports and
databases. Each supervisord is reached through a unix socket in its own folder, never a TCP port,
so two stacks on one machine cannot talk to each other's supervisor.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from plumbing.settings import SECRET_HOLDERS, database_url, kafka_bootstrap, service_port
from plumbing.child_env import child_environment
from plumbing.settings import ProcessSettings

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SERVICES = ("intake", "eligibility", "review", "notify")
# The front end's processes (web/, identity/): the development identity provider, the token service
# and the web front end, each reached on its own ZC_<NAME>_PORT.
FRONT = {"idp": ["-m", "identity", "provider"], "tokens": ["-m", "identity", "tokens"], "web": ["-m", "web"]}


@dataclass(frozen=True)
class Program:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    port: int | None = None  # readiness: GET /readyz on this port answers 200
    user: str | None = None  # the unprivileged system user it runs as (supervisord's user=; root only)
    directory: Path = ROOT  # its working folder (a system user's: the stack folder, never the checkout)
    runtime: bool = False  # runs from the runtime installation (zc/install.py), made or refreshed at start

    @property
    def ready_url(self) -> str | None:
        return f"http://127.0.0.1:{self.port}/readyz" if self.port else None


def _quote(value: str) -> str:
    # supervisord expands %(name)s in values and reads environment= as KEY="value" pairs.
    return '"' + value.replace("%", "%%").replace("\\", "\\\\").replace('"', '\\"') + '"'


class Supervisor:
    def __init__(self, run_dir: Path, programs: list[Program], watchdog_env: dict[str, str] | None = None) -> None:
        self.run_dir, self.programs = Path(run_dir), programs
        self.watchdog_env = watchdog_env or {}  # ZC_WATCHDOG_FAILURES / ZC_WATCHDOG_GRACE_SECONDS (zc/watchdog.py)
        self.conf = self.run_dir / "supervisord.conf"
        self.pidfile = self.run_dir / "supervisord.pid"
        self.socket = self.run_dir / "supervisor.sock"

    def log(self, name: str) -> Path:
        return self.run_dir / f"{name}.log"

    def config_text(self) -> str:
        lines = ["[unix_http_server]", f"file={self.socket}", "chmod=0700", "",
                 "[supervisord]", f"logfile={self.run_dir / 'supervisord.log'}", f"pidfile={self.pidfile}",
                 f"childlogdir={self.run_dir}", f"directory={ROOT}", f"identifier=zhicheng-{self.run_dir}", "",
                 "[rpcinterface:supervisor]",
                 "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface", "",
                 "[supervisorctl]", f"serverurl=unix://{self.socket}", ""]
        for p in self.programs:
            env = ",".join(f"{k}={_quote(v)}" for k, v in sorted(p.env.items()))
            lines += [f"[program:{p.name}]", "command=" + " ".join(p.command), f"directory={p.directory}",
                      *( [f"environment={env}"] if env else []), *([f"user={p.user}"] if p.user else []),
                      "autostart=true", "autorestart=true",  # any exit, expected or not, is restarted
                      "startsecs=2", "startretries=1000", "stopsignal=TERM", "stopwaitsecs=20",
                      "stopasgroup=true", "killasgroup=true", "redirect_stderr=true",
                      f"stdout_logfile={self.log(p.name)}", "stdout_logfile_maxbytes=20MB",
                      "stdout_logfile_backups=2", ""]
        if watched := [f"{p.name}={p.port}" for p in self.programs if p.port]:
            # Restarts a service that is alive but no longer answers (supervisord only sees exits).
            env = ",".join(f"{k}={_quote(v)}" for k, v in sorted(self.watchdog_env.items()))
            lines += ["[eventlistener:watchdog]", f"command={sys.executable} -m zc.watchdog {' '.join(watched)}",
                      f"directory={ROOT}", *([f"environment={env}"] if env else []), "events=TICK_5",
                      "autostart=true", "autorestart=true", "stdout_logfile=NONE", f"stderr_logfile={self.log('watchdog')}",
                      "stderr_logfile_maxbytes=5MB", "stderr_logfile_backups=1", ""]
        return "\n".join(lines)

    def supervisord_pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
            os.kill(pid, 0)
            return pid
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None

    def start(self) -> None:
        """Write the configuration and start supervisord (or make a running one pick up changes)."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if runtime := [p for p in self.programs if p.runtime]:
            _prepare_runtime(runtime)  # cached: rebuilt only when the locks or the sources changed
        self.conf.write_text(self.config_text())
        if self.supervisord_pid():
            self.ctl("reread")
            self.ctl("update")
            self.ctl("start", "all")
            return
        # The children inherit supervisord's environment: never the administrator's database password
        # file, nor the Kafka file holding every principal's password (each service gets its own).
        env = child_environment(drop=("PGPASSFILE", "ZC_KAFKA_CREDENTIALS"))
        subprocess.run([str(BIN / "supervisord"), "-c", str(self.conf)], check=True, cwd=ROOT, env=env)
        deadline = time.monotonic() + 20
        while not (self.socket.exists() and self.supervisord_pid()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"supervisord did not start; see {self.run_dir / 'supervisord.log'}")
            time.sleep(0.1)

    def ctl(self, *args: str, check: bool = False) -> str:
        done = subprocess.run([str(BIN / "supervisorctl"), "-c", str(self.conf), *args],
                              capture_output=True, text=True, check=check)
        return done.stdout

    def pid(self, name: str) -> int:
        """The program's current process id (0 while it is not running)."""
        out = self.ctl("pid", name).strip()
        return int(out) if out.isdigit() else 0

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        pid = self.pid(name)
        if not pid:
            raise RuntimeError(f"{name} is not running")
        os.kill(pid, sig)
        return pid

    def is_ready(self, program: Program) -> bool:
        if not program.ready_url:
            return self.pid(program.name) > 0
        try:
            with urllib.request.urlopen(program.ready_url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def readiness(self, program: Program) -> str:
        """The program's /readyz answer in a line (its reasons when it is not ready)."""
        if not program.ready_url:
            return "running" if self.pid(program.name) else "not running"
        try:
            with urllib.request.urlopen(program.ready_url, timeout=2) as response:
                return response.read().decode(errors="replace")[:600]
        except urllib.error.HTTPError as exc:
            return exc.read().decode(errors="replace")[:600]
        except OSError as exc:
            return f"unreachable ({exc})"

    def wait_ready(self, names: list[str] | None = None, timeout: float = 90) -> float:
        """Seconds until every named program (default: all) answers ready; raises after `timeout`."""
        start = time.monotonic()
        waiting = [p for p in self.programs if names is None or p.name in names]
        while waiting:
            waiting = [p for p in waiting if not self.is_ready(p)]
            if waiting and time.monotonic() - start > timeout:
                why = "; ".join(f"{p.name}: {self.readiness(p)}" for p in waiting)
                raise RuntimeError(f"not ready after {timeout:.0f}s: {why}; logs in {self.run_dir}")
            if waiting:
                time.sleep(0.3)
        return time.monotonic() - start

    def status(self) -> str:
        if not self.supervisord_pid():
            return "supervisord: stopped\n"
        lines = [f"supervisord: running (pid {self.supervisord_pid()}, {self.conf})"]
        for line in self.ctl("status").splitlines():
            name = line.split()[0] if line.split() else ""
            program = next((p for p in self.programs if p.name == name), None)
            ready = "" if program is None or "RUNNING" not in line else (
                "  ready" if self.is_ready(program) else "  not ready")
            lines.append(line + ready + (f"  :{program.port}" if program and program.port else ""))
        return "\n".join(lines) + "\n"

    def shutdown(self, timeout: float = 60) -> None:
        pid = self.supervisord_pid()
        if not pid:
            return
        os.kill(pid, signal.SIGTERM)  # supervisord stops every program (TERM, then KILL after stopwaitsecs)
        deadline = time.monotonic() + timeout
        while self.supervisord_pid() and time.monotonic() < deadline:
            time.sleep(0.2)


def service_program(name: str, port: int, env: dict[str, str] | None = None, *, own_user: bool = False) -> Program:
    """A service's program. `own_user` (as root): run it as its system user `zc-<service>`, from the
    runtime installation outside the checkout (zc/install.py), in the stack folder, with its own
    credentials file (database and Kafka passwords; plumbing/provision.py), as `make up` does."""
    from plumbing.provision import credentials_file, stack_dir, system_user
    from zc.install import runtime_python

    # Each key only to the service that holds it (plumbing/settings.py SECRET_HOLDERS)
    others = {f"ZC_{secret.upper()}" for secret, (holder, _dev) in SECRET_HOLDERS.items() if holder != name}
    if name != "intake":
        others.add("ZC_PERSONAL_DATA_MASTER_KEY")
    env = {k: v for k, v in {"ZC_PORT": str(port), "ZC_LOG_JSON": "true", **(env or {})}.items() if k not in others}
    if not (own_user and os.geteuid() == 0):  # no system users to make: the caller's own user, from the checkout
        return Program(name, [sys.executable, "-m", f"services.{name}"], env, port)
    env |= {"ZC_DB_CREDENTIALS": str(credentials_file(name)), "ZC_KAFKA_CREDENTIALS": str(credentials_file(name)),
            # supervisord's user= changes no variable: without these the child would look for its
            # database client files in root's home (and be refused), and log as root.
            "HOME": "/nonexistent", "USER": system_user(name), "LOGNAME": system_user(name)}
    return Program(name, [str(runtime_python()), "-m", f"services.{name}"], env, port, system_user(name),
                   directory=stack_dir(), runtime=True)


def _prepare_runtime(programs: list[Program]) -> None:
    """What a program run as a system user needs before supervisord starts it: the runtime
    installation (cached), its user, and its credentials file (written by the set-up step)."""
    from plumbing.provision import credentials_file, ensure_system_user
    from zc.install import ensure_runtime

    ensure_runtime()
    for p in programs:
        if not credentials_file(p.name).exists():
            raise RuntimeError(f"{credentials_file(p.name)} is missing: run the set-up step first "
                               "(infra/stack.sh infra-up, or python -m plumbing.provision)")
        if ensure_system_user(p.name) != p.user:
            raise RuntimeError(f"the system user {p.user} could not be made (useradd)")


def local_stack() -> Supervisor:
    """What `make up` runs: the four services on ZC_<SERVICE>_PORT, against this stack's servers."""
    shared = {"DATABASE_URL": database_url(), "ZC_KAFKA_BOOTSTRAP": kafka_bootstrap(),
              # The season's messages arrive within seconds here (see services/notify/settings.py).
              "ZC_NOTIFY_RATE_WINDOWS": ProcessSettings.current().notify_rate_windows or "1:100",
              "ZC_NOTIFY_REMINDER_INTERVAL_SECONDS": ProcessSettings.current().notify_reminder_interval_seconds or "5"}
    shared |= child_environment(keep=lambda k: k.startswith("ZC_") and k not in shared and not k.endswith("_PORT")
                                and k != "ZC_KAFKA_CREDENTIALS")
    programs = [service_program(s, service_port(s), shared, own_user=True) for s in SERVICES]
    programs += front_programs(shared)
    return Supervisor(ROOT / "infra" / ".run" / "services", programs)


def front_programs(shared: dict[str, str]) -> list[Program]:
    """The web front end and its identity processes; they find each other and the services by port."""
    ports = {f"ZC_{name.upper()}_PORT": str(service_port(name)) for name in (*SERVICES, *FRONT)}
    # No service's key: the token service asks intake for a person_ref instead of holding its key.
    keys = {f"ZC_{secret.upper()}" for secret in SECRET_HOLDERS} | {"ZC_PERSONAL_DATA_MASTER_KEY"}
    env = {**{k: v for k, v in shared.items() if k not in keys}, **ports,
           "ZC_WEB_SESSION_DB": str(ROOT / "infra" / ".run" / "web" / "sessions.sqlite3")}
    return [Program(name, [sys.executable, *args], env, service_port(name)) for name, args in FRONT.items()]


def main(argv: list[str]) -> int:
    stack = local_stack()
    command = argv[0] if argv else "status"
    if command == "up":
        stack.start()
        try:
            stack.wait_ready()
        except RuntimeError as exc:
            print(f"[supervise] ERROR: {exc}", file=sys.stderr)
            print(stack.status(), file=sys.stderr)
            return 1
        for p in stack.programs:
            print(f"[supervise] {p.name} ready on :{p.port} (pid {stack.pid(p.name)})", file=sys.stderr)
    elif command == "down":
        stack.shutdown()
        print("[supervise] stopped", file=sys.stderr)
    elif command == "status":
        print(stack.status(), end="")
    else:
        print("usage: python -m zc.supervise up|down|status", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
