"""The review domain imports only the standard library, contracts and pure libraries (STYLE 1)."""
import ast
import sys
from pathlib import Path

import services.review.domain as domain

ALLOWED = {"contracts", "services", "chinese_calendar"} | set(sys.stdlib_module_names)
FORBIDDEN_STDLIB = {"socket", "subprocess", "sqlite3", "urllib", "http", "asyncio", "os", "time", "random"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_domain_imports_no_io_and_reads_no_clock():
    for path in Path(domain.__file__).parent.glob("*.py"):
        imported = _imports(path)
        assert imported <= ALLOWED, (path.name, imported - ALLOWED)
        assert not imported & FORBIDDEN_STDLIB, (path.name, imported & FORBIDDEN_STDLIB)
        source = path.read_text(encoding="utf-8")
        assert ".now(" not in source and "today()" not in source and "open(" not in source, path.name


def test_the_domain_uses_services_only_from_review_domain():
    for path in Path(domain.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("services"):
                assert node.module.startswith("services.review.domain"), (path.name, node.module)
