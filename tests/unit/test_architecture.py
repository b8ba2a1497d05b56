"""The boundaries ARCHITECTURE.md promises, as import-linter contracts (pyproject.toml,
[tool.importlinter]): no service imports another, contracts and plumbing know no service, domain
cores do no I/O (indirect imports included), and each service keeps its layers, every module of it
in one (a use case never imports an adapter or a reaction, a projection never a use case)."""
import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = sorted((ROOT / "services").glob("*/domain"))
FILE_OPEN = re.compile(r"(?<![\w.])open\(")  # the builtin; Image.open of bytes in memory is fine
LINT = Path(sys.executable).with_name("lint-imports")
PURE = "Domain cores are pure: no I/O, no clock, no plumbing"
CONTRACTS = [c["name"] for c in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]]
LAYERS = "Each service in layers: composition root, adapters, reactions and projections, use cases, domain"


def lint(root: Path) -> tuple[int, list[str], str]:
    """lint-imports on a tree: its exit code, the names of the contracts it says are broken, its report."""
    result = subprocess.run([str(LINT), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=240,
                            env={**os.environ, "PYTHONPATH": str(root)})
    # A contract's name may wrap onto a second line before its verdict: compare with spaces collapsed.
    flat = " ".join(result.stdout.split())
    broken = [name for name in CONTRACTS if f"{name} BROKEN" in flat]
    return result.returncode, broken, result.stdout + result.stderr


def test_the_import_contracts_hold():
    code, broken, report = lint(ROOT)
    assert broken == [], f"broken contracts: {broken}\n{report[-4000:]}"
    assert code == 0 and "0 broken" in report, report[-4000:]


def test_a_root_module_outside_the_layers_and_a_domain_reaching_io_through_it_break_their_contracts(tmp_path):
    """The two holes that once kept every contract green: a service module in no layer (review's old
    sweeper.py), and a domain importing asyncpg through it (the purity contract allowed indirect
    imports). Planted in a copy of the tree, each breaks the contract that names it."""
    for part in ("contracts", "plumbing", "services", "zc"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "*.json", "*.sql"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "services" / "review" / "sweeper.py").write_text("import asyncpg  # a root module, in no layer\n")
    (tmp_path / "services" / "review" / "domain" / "planted.py").write_text("from services.review import sweeper\n")
    code, broken, report = lint(tmp_path)
    assert code != 0 and sorted(broken) == sorted([PURE, LAYERS]), report[-4000:]


def test_domain_cores_read_no_clock_and_open_no_file():
    for domain in DOMAINS:
        for path in domain.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert ".today()" not in text and ".now(" not in text and not FILE_OPEN.search(text), path


SQL_TEXT = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|TRUNCATE)\b", re.S)
CONNECTION_CALL = re.compile(r"\.(execute|executemany|fetch|fetchrow|fetchval|copy_records_to_table)\(")


def _sql_in(path: Path) -> list[str]:
    """SQL text in a string literal, or a call of an asyncpg connection's query methods."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [f"{path}:{node.lineno}: {node.value[:60]!r}" for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.search(node.value)]
    found += [f"{path}:{n}: {line.strip()[:60]}" for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if CONNECTION_CALL.search(line)]
    return found


def test_no_use_case_or_reaction_holds_sql_or_calls_a_connection():
    """Use cases and reactions go through the unit of work and their ports (issue: one way to write a
    whole service); SQL lives in adapters, projections and the kernel."""
    layers = [p for service in (ROOT / "services").iterdir() for layer in ("usecases", "reactions")
              if (p := service / layer).is_dir()]
    assert len(layers) == 8
    found = [hit for layer in layers for path in sorted(layer.rglob("*.py")) for hit in _sql_in(path)]
    assert found == []


def test_the_sql_check_finds_a_query_planted_in_a_reaction(tmp_path):
    planted = tmp_path / "when_x.py"
    planted.write_text('async def when_x(e, ctx):\n    await ctx.uow.conn.execute("DELETE FROM case_view")\n')
    assert len(_sql_in(planted)) == 2
