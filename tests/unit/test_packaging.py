"""The wheel carries every file the services read: each tracked non-Python file under the four
packages is matched by a package-data pattern of pyproject.toml (a `.sql` file missing from the
wheel made the installed services fail at import)."""
from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("contracts", "plumbing", "services", "zc", "web", "identity")


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


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text().replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            pin = line.split()[0]
            assert "--hash=sha256:" in line, f"{pin} in {lock} has no hash"
            name, version = pin.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_the_runtime_lock_holds_no_test_only_package_and_both_are_hashed():
    runtime, test = _pins("requirements.lock"), _pins("requirements-test.lock")
    assert not set(runtime) & set(test)
    for test_only in ("pytest", "hypothesis", "schemathesis", "selenium", "import-linter", "testcontainers"):
        assert test_only in test and test_only not in runtime
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        name, version = requirement.split("[")[0].split("==")[0], requirement.split("==")[1]
        assert runtime.get(name.lower().replace("_", "-")) == version, requirement
