"""A service refuses to start when a migration it ships differs in content from the one its database
applied (the same id, an edited file): yoyo knows ids only, the set-up records each file's sha256
(plumbing/provision.py) and the service compares them at start (plumbing/db.py check_schema)."""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys

from plumbing.provision import service_database
from tests.conftest import KAFKA, SESSION
from tests.e2e.conftest import _free_port
from tests.integration_support import drop_database
from zc.install import PACKAGES
from zc.supervise import ROOT


def test_a_service_whose_shipped_migration_was_edited_after_it_was_applied_refuses_to_start(tmp_path):
    # The code in a temporary copy (run from there, it imports the copy), one applied migration edited.
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    edited = tmp_path / "services" / "review" / "migrations" / "0002_review_tables.sql"
    edited.write_text(edited.read_text() + "\n-- an edit after the migration was applied\n")
    database = f"zct_{SESSION}_review_edited"
    env = {**os.environ, "ZC_PORT": str(_free_port()), "ZC_TOPIC_PREFIX": f"t{SESSION}edited",
           **service_database("review", database), "ZC_KAFKA_BOOTSTRAP": KAFKA, "PYTHONPATH": str(tmp_path)}
    try:
        done = subprocess.run([sys.executable, "-m", "services.review"], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=90)
    finally:
        asyncio.run(drop_database(database))
    out = done.stdout + done.stderr
    assert done.returncode != 0
    # (the checkout's own file is unchanged: only the copy can differ from what was applied)
    assert "schema version mismatch" in out and "content of migration(s) 0002_review_tables differs" in out, out[-2000:]
