"""The domain core imports only the standard library, contracts and itself (STYLE 1)."""
import ast
import sys
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[3] / "services"
# Intake may decode photos (Pillow, in memory) and check numbers (python-stdnum): pure libraries.
ALLOWED = {"eligibility": {"contracts", "services"},
           "intake": {"contracts", "services", "PIL", "stdnum"}}
DOMAINS = [SERVICES / name / "domain" for name in ALLOWED]


def imported_roots(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("path", [p for d in DOMAINS for p in d.rglob("*.py")], ids=str)
def test_domain_modules_import_only_stdlib_and_contracts(path):
    foreign = {m for m in imported_roots(path)
               if m not in sys.stdlib_module_names and m not in ALLOWED[path.relative_to(SERVICES).parts[0]]}
    assert not foreign


def test_domain_modules_read_no_clock():
    for d in DOMAINS:
        for path in d.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert ".today()" not in text and ".now(" not in text, path
