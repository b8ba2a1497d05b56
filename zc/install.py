"""The runtime installation the supervised services run from, outside the checkout.

Each service runs as its own system user (`zc-<service>`, zc/supervise.py). Such a user may reach
neither the checkout (a clone under a 0700 folder, as `mktemp -d` makes) nor the development
virtualenv (made from an interpreter under /root, which only root may enter). So the set-up step
installs the project for them in the stack folder (`plumbing.provision.stack_dir()`, 0755):

    <stack>/runtime/      a virtualenv from a system interpreter every user can run, holding the
                          locked dependencies (requirements.lock, --require-hashes) and the project's
                          built wheel, installed non-editable: the services read nothing from the checkout
    <stack>/credentials/  each service's own file (plumbing/provision.py), 0400, owned by its user

Cached: the virtualenv is remade only when requirements.lock or the interpreter changes, the wheel
rebuilt and reinstalled only when a file of the packages (or pyproject.toml) changes, so `make up`
and `make test` pay for it once. `python -m zc.install` prints the runtime's interpreter.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from plumbing.child_env import child_environment
from plumbing.provision import ensure_stack_dir, stack_dir
from plumbing.settings import ProcessSettings

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("contracts", "plumbing", "services", "zc", "web", "identity")
# Debian's interpreter first: /usr/bin is open to every user (a pyenv one under /root is not).
CANDIDATES = ("/usr/bin/python3.11", "/usr/local/bin/python3.11")
_SKIPPED = ("__pycache__", "node_modules")


class RuntimeUnavailable(RuntimeError):
    pass


def runtime_dir() -> Path:
    return stack_dir() / "runtime"


def runtime_python() -> Path:
    return runtime_dir() / "bin" / "python"


def _open_to_everyone(path: Path) -> bool:
    """Whether any user may run `path`: the file is world-executable and every folder above it
    world-searchable (what `runuser` would find out, without needing a user)."""
    real = Path(os.path.realpath(path))
    if not real.is_file() or not real.stat().st_mode & 0o001:
        return False
    return all(folder.stat().st_mode & 0o001 for folder in real.parents)


def system_python() -> Path:
    """A Python 3.11 every user can run: ZC_RUNTIME_PYTHON, else the first open candidate."""
    given = ProcessSettings.current().runtime_python
    found = shutil.which("python3.11")
    for candidate in ([given] if given else [*CANDIDATES, *([found] if found else [])]):
        if candidate and _open_to_everyone(Path(candidate)):
            return Path(candidate)
    raise RuntimeUnavailable(
        "no Python 3.11 that every user may run was found (tried "
        f"{given or ', '.join([*CANDIDATES, *([found] if found else [])])}): install Debian's python3.11 and "
        "python3.11-venv (apt-get install python3.11 python3.11-venv) or set ZC_RUNTIME_PYTHON to one; the "
        "services' system users cannot run an interpreter under /root")


def _source_files() -> list[Path]:
    files = [ROOT / "pyproject.toml"]
    for package in PACKAGES:
        for folder, dirs, names in os.walk(ROOT / package):
            dirs[:] = sorted(d for d in dirs if d not in _SKIPPED)
            files += [Path(folder) / n for n in sorted(names) if not n.endswith(".pyc")]
    return files


def source_key() -> str:
    digest = hashlib.sha256()
    for path in _source_files():
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def lock_key(python: Path) -> str:
    version = subprocess.run([str(python), "-c", "import sys; print(sys.version)"], capture_output=True, text=True,
                             check=True).stdout
    return hashlib.sha256((ROOT / "requirements.lock").read_bytes() + os.path.realpath(python).encode()
                          + version.encode()).hexdigest()


def _stamp(name: str) -> Path:
    return runtime_dir() / f".zc-{name}-key"


def _read(path: Path) -> str:
    return path.read_text().strip() if path.exists() else ""


def _pip(python: Path, *args: str) -> None:
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args], check=True)


def build_wheel(out: Path) -> Path:
    """The project's wheel, built from a copy of the packages (an in-tree build leaves a build/
    folder whose stale files a later wheel would carry)."""
    with tempfile.TemporaryDirectory(prefix="zc-wheel-src-") as tmp:
        shutil.copy2(ROOT / "pyproject.toml", tmp)
        for package in PACKAGES:
            shutil.copytree(ROOT / package, Path(tmp) / package, ignore=shutil.ignore_patterns(*_SKIPPED, "*.pyc"))
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps",
                        "-w", str(out), tmp], check=True)
    (wheel,) = out.glob("zhicheng-*.whl")
    return wheel


def ensure_runtime() -> Path:
    """The runtime's interpreter, (re)made where the locks or the sources changed. One at a time."""
    ensure_stack_dir()
    old = os.umask(0o022)  # every file readable by the services' users
    try:
        with open(stack_dir() / ".runtime.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return _ensure_runtime_locked()
    finally:
        os.umask(old)


def _ensure_venv_module(python: Path) -> None:
    """Debian splits `venv`'s pip bootstrap into python3.11-venv: installed when missing (as root,
    as infra/postgres/postgres.sh installs PostgreSQL), so a fresh machine needs nothing by hand."""
    if subprocess.run([str(python), "-c", "import ensurepip, venv"], capture_output=True).returncode == 0:
        return
    if os.geteuid() == 0 and shutil.which("apt-get") and str(python).startswith("/usr/bin/"):
        print("[install] installing Debian's python3.11-venv", file=sys.stderr)
        with open("/tmp/zc-apt-python-venv.log", "w") as log:
            subprocess.run(["apt-get", "update", "-q"], stdout=log, stderr=log)
            subprocess.run(["apt-get", "install", "-y", "-q", "python3.11-venv"], stdout=log, stderr=log,
                           env=child_environment({"DEBIAN_FRONTEND": "noninteractive"}))


def _ensure_runtime_locked() -> Path:
    python = system_python()
    locks, sources = lock_key(python), source_key()
    venv = runtime_dir()
    if _read(_stamp("locks")) != locks:
        print(f"[install] making the runtime virtualenv in {venv} from {python} (requirements.lock)", file=sys.stderr)
        shutil.rmtree(venv, ignore_errors=True)
        _ensure_venv_module(python)
        done = subprocess.run([str(python), "-m", "venv", str(venv)], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeUnavailable(f"{python} -m venv failed ({done.stderr.strip()[-300:]}): on Debian install "
                                     "python3.11-venv (apt-get install python3.11-venv)")
        _pip(runtime_python(), "--require-hashes", "-r", str(ROOT / "requirements.lock"))
        _stamp("locks").write_text(locks + "\n")
    if _read(_stamp("sources")) != sources:
        print(f"[install] building the project's wheel into {venv}", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="zc-wheel-") as out:
            _pip(runtime_python(), "--no-deps", "--force-reinstall", "--no-index", str(build_wheel(Path(out))))
        _stamp("sources").write_text(sources + "\n")
    return runtime_python()


def main() -> int:
    if os.geteuid() != 0:
        print("[install] not root: the services run as this user from the checkout (no system users to serve)",
              file=sys.stderr)
        return 0
    try:
        print(ensure_runtime())
    except RuntimeUnavailable as exc:
        print(f"[install] ERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
