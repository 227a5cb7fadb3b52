"""Lint and types run with the tests, so the README's test command (and .ci/run) checks them.

Rule set and why: [tool.ruff] and [tool.mypy] in pyproject.toml, docs/development.md.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_ruff_passes() -> None:
    done = _run("ruff", "check", "motxl", "tests", "bench", "scripts")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mypy_passes() -> None:
    done = _run("mypy", "motxl")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_wheel_ships_py_typed(tmp_path: Path) -> None:
    """Type checkers only use motxl's hints when the installed package carries py.typed."""
    done = _run("pip", "wheel", "--no-deps", "-w", str(tmp_path), ".")
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = tmp_path.glob("motxl-*.whl")
    with zipfile.ZipFile(wheel) as package:
        assert "motxl/py.typed" in package.namelist()
