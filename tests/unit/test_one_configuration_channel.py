"""One configuration channel: the environment is read only by the settings classes, and by the one
helper that builds a child process's environment. Any other `os.environ` / `os.getenv` (read or
written, however imported) in the shipped code fails here, naming the file and the line."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("services", "plumbing", "contracts", "zc", "web", "identity")
ALLOWED = {
    "plumbing/settings.py": "the settings classes (ServiceSettings, and those read at each use)",
    "contracts/settings.py": "the topics' settings (contracts may not import plumbing)",
    "plumbing/child_env.py": "the one helper that builds a child process's environment",
    # authlib reads its own switch from the environment only; it is the library's, not ours.
    "identity/provider.py": "AUTHLIB_INSECURE_TRANSPORT for the loopback development provider",
}
ENVIRONMENT = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def uses_of_the_environment(source: str) -> list[int]:
    """Lines that touch the process environment: `os.environ…`, `os.getenv(…)`, `from os import environ`."""
    tree, lines = ast.parse(source), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ENVIRONMENT and \
                isinstance(node.value, ast.Name) and node.value.id == "os":
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and \
                any(alias.name in ENVIRONMENT for alias in node.names):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_scan_sees_every_way_of_reaching_the_environment():
    for source in ("import os\nos.environ.get('X')", "import os\nos.getenv('X')", "import os\nos.environ['X'] = '1'",
                   "from os import environ\n", "from os import getenv as g\n", "import os\nos.putenv('X', '1')"):
        assert uses_of_the_environment(source), source
    assert uses_of_the_environment("import os\nos.path.join('a')\nenviron = {}\n") == []


def test_no_module_outside_the_settings_and_the_child_environment_reads_or_writes_the_environment():
    found = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in ALLOWED:
                continue
            found += [f"{name}:{line}" for line in uses_of_the_environment(path.read_text(encoding="utf-8"))]
    assert found == [], f"read configuration through a settings class (plumbing/settings.py): {found}"


def test_every_allowed_module_exists_and_still_needs_its_exception():
    for name in ALLOWED:
        assert uses_of_the_environment((ROOT / name).read_text(encoding="utf-8")), f"{name} no longer needs it"
