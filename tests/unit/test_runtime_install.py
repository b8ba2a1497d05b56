"""The runtime installation's choices (zc/install.py): an interpreter only if every user may run
it, and a wheel rebuilt exactly when a file of the packages changed."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from zc import install


def test_an_interpreter_in_a_folder_only_its_owner_may_enter_is_refused_with_what_to_install(monkeypatch):
    with tempfile.TemporaryDirectory() as folder:  # pytest's own tmp_path sits in a 0700 folder
        Path(folder).chmod(0o755)
        _interpreter_behind_a_private_folder(Path(folder), monkeypatch)


def _interpreter_behind_a_private_folder(tmp_path: Path, monkeypatch) -> None:
    private = tmp_path / "root-only" / "bin"
    private.mkdir(parents=True)
    python = private / "python3.11"
    shutil.copy("/bin/true", python)
    python.chmod(0o755)
    (tmp_path / "root-only").chmod(0o700)  # as /root is: nobody else may enter
    monkeypatch.setenv("ZC_RUNTIME_PYTHON", str(python))
    with pytest.raises(install.RuntimeUnavailable, match="python3.11-venv"):
        install.system_python()
    (tmp_path / "root-only").chmod(0o755)
    assert install.system_python() == python


def test_the_source_key_changes_with_any_package_file_and_not_with_compiled_files(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    for package in install.PACKAGES:
        (tmp_path / package / "migrations").mkdir(parents=True)
        (tmp_path / package / "__init__.py").write_text("")
    monkeypatch.setattr(install, "ROOT", tmp_path)
    before = install.source_key()
    (tmp_path / "plumbing" / "__pycache__").mkdir()
    (tmp_path / "plumbing" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    assert install.source_key() == before
    (tmp_path / "services" / "migrations" / "0002_tables.sql").write_text("CREATE TABLE t (x int);")
    changed = install.source_key()
    assert changed != before
    (tmp_path / "services" / "migrations" / "0002_tables.sql").write_text("CREATE TABLE t (x bigint);")
    assert install.source_key() not in (before, changed)
