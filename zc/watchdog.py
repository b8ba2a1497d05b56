"""A supervisord event listener that restarts a service which is running but no longer answers.

supervisord restarts a process that exits. A process that is alive but frozen (stopped by a signal,
its event loop blocked) is not an exit, so on every TICK_5 event this listener asks each service's
`/healthz` (answered by the event loop itself, so only a frozen loop fails it). After
`ZC_WATCHDOG_FAILURES` failed probes in a row (default 6: about 30 s), it kills the process with
SIGKILL and supervisord's autorestart starts it again. Readiness is not used: a service that is
not ready because Kafka or PostgreSQL is away must wait for them, not be restarted.

A process is left alone during its first `ZC_WATCHDOG_GRACE_SECONDS` (default 60) after start.
Every action is a line on stderr (the listener's log in the stack's folder).
"""
from __future__ import annotations

import sys
import time
import urllib.request
from dataclasses import dataclass, field

from supervisor import childutils
from plumbing.child_env import child_environment
from plumbing.settings import ProcessSettings

TICK = "TICK_5"


@dataclass
class Watch:
    """The failed-probe count per program; `decide` says whom to kill now."""

    failures_allowed: int
    grace_s: float
    failures: dict[str, int] = field(default_factory=dict)

    def decide(self, name: str, running_for_s: float | None, answered: bool) -> bool:
        if running_for_s is None or running_for_s < self.grace_s or answered:
            self.failures[name] = 0
            return False
        self.failures[name] = self.failures.get(name, 0) + 1
        if self.failures[name] >= self.failures_allowed:
            self.failures[name] = 0
            return True
        return False


def answers(port: int, timeout: float = 3.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def running_for(rpc, name: str) -> float | None:
    info = rpc.supervisor.getProcessInfo(name)
    if info["statename"] != "RUNNING":
        return None
    return float(info["now"] - info["start"])


def say(text: str) -> None:
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} watchdog: {text}", file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    """argv: name=port pairs of the programs to watch."""
    targets = dict((pair.split("=", 1)[0], int(pair.split("=", 1)[1])) for pair in argv)
    given = ProcessSettings.current()
    watch = Watch(given.watchdog_failures, given.watchdog_grace_seconds)
    rpc = childutils.getRPCInterface(child_environment())  # supervisord's address, as it gave it to us
    say(f"watching {', '.join(f'{n}:{p}' for n, p in targets.items())}; {watch.failures_allowed} failed "
        f"probes in a row restart a process")
    while True:
        headers, _payload = childutils.listener.wait(sys.stdin, sys.stdout)
        if headers["eventname"] == TICK:
            for name, port in targets.items():
                try:
                    if watch.decide(name, running_for(rpc, name), answers(port)):
                        say(f"{name} has not answered /healthz for {watch.failures_allowed} probes: SIGKILL, "
                            "supervisord starts it again")
                        rpc.supervisor.signalProcess(name, "KILL")
                except Exception as exc:  # noqa: BLE001 - a listener that dies stops the watching
                    say(f"{name}: {exc!r}")
        childutils.listener.ok(sys.stdout)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
