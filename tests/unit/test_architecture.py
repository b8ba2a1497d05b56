"""The boundaries ARCHITECTURE.md promises: no service imports another, domain cores do no I/O."""
import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["intake", "eligibility", "review", "notify"]
PURE_LIBRARIES = {"contracts", "chinese_calendar", "stdnum", "phonenumbers", "PIL"}
IO_MODULES = {"asyncpg", "aiokafka", "kafka", "faststream", "fastapi", "httpx", "socket", "subprocess", "plumbing",
              "uvicorn", "requests", "urllib", "sqlite3", "openpyxl"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("service", SERVICES)
def test_no_service_imports_another_service(service):
    others = {f"services.{s}" for s in SERVICES if s != service}
    for path in (ROOT / "services" / service).rglob("*.py"):
        bad = {n for n in imports_of(path) if any(n == o or n.startswith(o + ".") for o in others)}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("service", SERVICES)
def test_domain_core_imports_only_the_standard_library_contracts_and_pure_libraries(service):
    own = f"services.{service}.domain"
    for path in (ROOT / "services" / service / "domain").rglob("*.py"):
        for name in imports_of(path):
            top = name.split(".")[0]
            allowed = (top in sys.stdlib_module_names and top not in IO_MODULES) or top in PURE_LIBRARIES \
                or name.startswith(own) or top == "__future__"
            assert allowed, f"{path.relative_to(ROOT)} imports {name}"


def test_plumbing_knows_no_service():
    for path in (ROOT / "plumbing").rglob("*.py"):
        assert not {n for n in imports_of(path) if n.startswith("services")}, path
