"""The boundaries ARCHITECTURE.md promises, as import-linter contracts (pyproject.toml,
[tool.importlinter]): no service imports another, contracts and plumbing know no service, domain
cores do no I/O, and each service keeps its layers (a use case never imports an adapter or a
reaction, a projection never a use case)."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = sorted((ROOT / "services").glob("*/domain"))
FILE_OPEN = re.compile(r"(?<![\w.])open\(")  # the builtin; Image.open of bytes in memory is fine


def test_the_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_domain_cores_read_no_clock_and_open_no_file():
    for domain in DOMAINS:
        for path in domain.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert ".today()" not in text and ".now(" not in text and not FILE_OPEN.search(text), path
