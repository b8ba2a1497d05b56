"""The operator's alert rules and dashboard (infra/monitoring/): promtool checks the rules and runs
their unit tests (a series that fires each alert and one that does not), a rule file whose alert
would never fire fails those tests, and every metric an alert or a panel names is exported by the
running services (scraped)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from zc.supervise import SERVICES

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "infra" / "monitoring"
NAME = re.compile(r"\b((?:zc|process)_[a-z_]+)\b")


def _promtool() -> str:
    return subprocess.run([str(ROOT / "infra" / "prometheus.sh")], check=True, capture_output=True,
                          text=True).stdout.strip()


def _exprs() -> list[str]:
    rules = (MONITORING / "alerts.yml").read_text(encoding="utf-8")
    exprs = re.findall(r"^\s+expr: (.+)$", rules, flags=re.M)
    dashboard = json.loads((MONITORING / "dashboard.json").read_text(encoding="utf-8"))
    return exprs + [t["expr"] for p in dashboard["panels"] for t in p["targets"]]


def test_promtool_accepts_the_rules_and_each_alert_fires_only_on_its_fault():
    promtool = _promtool()
    checked = subprocess.run([promtool, "check", "rules", "alerts.yml"], cwd=MONITORING, capture_output=True, text=True)
    assert checked.returncode == 0 and "SUCCESS: 9 rules found" in checked.stdout, checked.stdout + checked.stderr
    tested = subprocess.run([promtool, "test", "rules", "alerts.test.yml"], cwd=MONITORING, capture_output=True,
                            text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_a_rule_that_would_not_fire_fails_the_rule_tests(tmp_path):
    for name in ("alerts.yml", "alerts.test.yml"):
        shutil.copy(MONITORING / name, tmp_path / name)
    rules = tmp_path / "alerts.yml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("zc_outbox_parked) > 0", "zc_outbox_parked) > 5"),
                     encoding="utf-8")
    tested = subprocess.run([_promtool(), "test", "rules", "alerts.test.yml"], cwd=tmp_path, capture_output=True,
                            text=True)
    assert tested.returncode != 0 and "ZcOutboxParked" in tested.stdout + tested.stderr


async def test_every_metric_an_alert_or_a_panel_names_is_exported(supervised):
    exported = set()
    async with httpx.AsyncClient(timeout=10) as client:
        for service in SERVICES:
            response = await client.get(f"{supervised.url(service)}/metrics")
            assert response.status_code == 200
            for family in text_string_to_metric_families(response.text):
                exported.add(family.name)
                exported |= {s.name for s in family.samples}
                if family.type == "counter":
                    exported.add(family.name + "_total")
                if family.type == "histogram":
                    exported |= {family.name + suffix for suffix in ("_bucket", "_sum", "_count")}
    named = {n for expr in _exprs() for n in NAME.findall(expr)}
    assert {"process_cpu_seconds_total", "process_resident_memory_bytes", "zc_ready", "zc_sms_deliveries"} <= named
    assert named <= exported, sorted(named - exported)
