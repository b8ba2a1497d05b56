"""Every table a service's migrations create is either rebuilt by `zc replay` (a read model) or
named in zc/read_models.py's STATE_OF_RECORD with the reason it is not one: a new table fails here
until it is placed."""
from __future__ import annotations

import re
from pathlib import Path

from zc import read_models

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "eligibility", "review", "notify")


def created_tables(service: str) -> set[str]:
    files = [*(ROOT / "plumbing/core/migrations").glob("*.sql"), *(ROOT / f"services/{service}/migrations").glob("*.sql")]
    return {m for f in files for m in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", f.read_text(encoding="utf-8"))}


def test_every_table_of_every_service_is_a_rebuildable_read_model_or_state_of_record_with_a_reason():
    for service in SERVICES:
        rebuilt = read_models.tables_of(service)
        kept = {k.split(".", 1)[1] for k in read_models.STATE_OF_RECORD if k.startswith(f"{service}.")}
        tables = created_tables(service)
        assert tables - set(rebuilt) - kept == set(), f"{service}: tables neither rebuilt nor explained"
        assert set(rebuilt) & kept == set(), f"{service}: a table both rebuilt and state of record"
        assert (set(rebuilt) | kept) - tables == set(), f"{service}: names a table no migration creates"
    assert all(len(reason) > 20 for reason in read_models.STATE_OF_RECORD.values())


def test_the_read_models_once_said_to_be_unrebuildable_are_rebuilt_now():
    assert read_models.tables_of("notify")["reminders"] == "notify.history"
    assert read_models.tables_of("notify")["contacts"] == "notify.contacts"
    assert read_models.tables_of("intake")["open_returns"] == "intake.history"
