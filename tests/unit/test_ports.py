"""Every address comes from the port settings: a second stack on other ports is never reached by
mistake (services, stack scripts, demo, CLI, bench, tests)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OTHER = {"ZC_PG_PORT": "61001", "ZC_KAFKA_PORT": "61002", "ZC_INTAKE_PORT": "61003",
         "ZC_ELIGIBILITY_PORT": "61004", "ZC_REVIEW_PORT": "61005", "ZC_NOTIFY_PORT": "61006",
         "ZC_WEB_PORT": "61007", "ZC_IDP_PORT": "61008", "ZC_TOKENS_PORT": "61009"}
PROBE = """
import json
from plumbing.settings import ServiceSettings
import tests.conftest as t, zc.demo.client as demo, zc.notify_cmd as notify_cmd
from zc.bench.config import Config
bench = Config()
from zc.supervise import local_stack
s = ServiceSettings(service="review")
stack = local_stack()
print(json.dumps({"tests": [t.DATABASE_URL, t.KAFKA], "bench": [bench.database_url, bench.kafka],
  "service": [s.dsn, s.kafka_bootstrap, s.http_port], "demo": [demo.url(n) for n in ("intake", "eligibility", "review", "notify")],
  "notify_cli": notify_cmd.DEFAULT_URL,
  "supervised": [[p.name, p.port, p.env["ZC_PORT"], p.env["DATABASE_URL"], p.env["ZC_KAFKA_BOOTSTRAP"]] for p in stack.programs if "ZC_PORT" in p.env],
  "front": [[p.name, p.port, p.env["ZC_INTAKE_PORT"], p.env["ZC_REVIEW_PORT"]] for p in stack.programs if "ZC_PORT" not in p.env]}))
"""


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "ZC_KAFKA_BOOTSTRAP") and not k.endswith("_PORT")}
    return {**env, **extra}


def test_every_entry_point_derives_its_addresses_from_the_port_settings():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=_clean_env(**OTHER), capture_output=True,
                         text=True, check=True).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    pg, kafka = "postgresql://postgres@127.0.0.1:61001/postgres", "127.0.0.1:61002"
    assert seen["tests"] == [pg, kafka] and seen["bench"] == [pg, kafka]
    assert seen["service"] == ["postgresql://postgres@127.0.0.1:61001/zc_review", kafka, 61005]
    assert seen["demo"] == [f"http://127.0.0.1:{p}" for p in (61003, 61004, 61005, 61006)]
    assert seen["notify_cli"] == "http://127.0.0.1:61006"
    assert seen["supervised"] == [[n, p, str(p), pg, kafka] for n, p in
                                  (("intake", 61003), ("eligibility", 61004), ("review", 61005), ("notify", 61006))]
    assert seen["front"] == [[n, p, "61003", "61005"] for n, p in (("idp", 61008), ("tokens", 61009), ("web", 61007))]


def test_explicit_addresses_win_over_the_port_settings():
    env = _clean_env(**OTHER, DATABASE_URL="postgresql://u@db.example:5432/postgres", ZC_KAFKA_BOOTSTRAP="k.example:9092")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["tests"] == seen["bench"] == ["postgresql://u@db.example:5432/postgres", "k.example:9092"]


def test_the_stack_script_exports_addresses_from_the_port_settings():
    out = subprocess.run([str(ROOT / "infra/stack.sh"), "env"], cwd=ROOT, env=_clean_env(**OTHER),
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == ("export DATABASE_URL=postgresql://postgres@127.0.0.1:61001/postgres "
                           "ZC_KAFKA_BOOTSTRAP=127.0.0.1:61002")


def test_no_address_is_written_down_outside_the_settings():
    """Default ports appear only in plumbing/settings.py and as ${ZC_…_PORT:-default} in the scripts."""
    literal = re.compile(r"(127\.0\.0\.1|localhost):(55432|9092|9093|800[1-4]|801[0-2])\b")
    offenders = []
    for path in [*ROOT.glob("[!.]*/**/*.py"), *ROOT.glob("infra/**/*.sh")]:
        if ".venv" in path.parts or path == Path(__file__).resolve() or path.name == "settings.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if literal.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []
