"""The wheel carries every file the services read: each tracked non-Python file under the four
packages is matched by a package-data pattern of pyproject.toml (a `.sql` file missing from the
wheel made the installed services fail at import)."""
from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("contracts", "plumbing", "services", "zc")


def _packaged(path: str, data: dict[str, list[str]]) -> bool:
    folder, name = path.rsplit("/", 1)
    for package, patterns in data.items():
        base = "" if package == "*" else package.replace(".", "/") + "/"
        if package != "*" and not folder.startswith(base.rstrip("/")):
            continue
        relative = path[len(base):] if base else name
        if any(fnmatch.fnmatch(relative if "/" in pattern else name, pattern) for pattern in patterns):
            return True
    return False


def test_every_data_file_the_services_read_is_in_the_wheel():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    tracked = subprocess.run(["git", "ls-files", *PACKAGES], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    files = [f for f in tracked if not f.endswith(".py")]
    assert any(f.endswith(".sql") for f in files)
    assert [f for f in files if not _packaged(f, data)] == []
