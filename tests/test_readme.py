"""The README's first screen holds: CI runs its test command, both ways of calling the command
line know the same commands, and the user part stays short."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _bash_lines() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_lines = [line for line in _bash_lines() if "pytest" in line]
    assert len(test_lines) == 1, test_lines
    (command,) = test_lines
    assert command.startswith("python3 -m venv .venv && ")  # works where pip is refused (PEP 668)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci


def test_first_command_sets_up_then_validates_and_summarises_the_bundled_workbook() -> None:
    (first,) = [line for line in _bash_lines() if "pytest" not in line]
    steps = first.split(" && ")
    assert steps[:3] == ["python3 -m venv .venv", ". .venv/bin/activate",
                         "python -m pip install -e ."]
    assert steps[3:] == ["motxl validate workbook/Programme2023.xlsm",
                         "motxl summary workbook/Programme2023.xlsm"]
    assert (ROOT / "workbook" / "Programme2023.xlsm").is_file()


def test_readme_stays_short() -> None:
    assert len(README.splitlines()) <= 150


def test_script_and_module_know_the_same_commands() -> None:
    """`motxl …` (the console script) and `python -m motxl …` give the same help."""
    script = Path(sys.executable).with_name("motxl")
    if not script.exists():  # Windows
        script = Path(sys.executable).with_name("motxl.exe")
    by_script = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    by_module = subprocess.run([sys.executable, "-m", "motxl", "--help"], capture_output=True,
                               text=True)
    assert by_script.returncode == by_module.returncode == 0, by_script.stderr + by_module.stderr
    assert by_script.stdout == by_module.stdout
    listed = set(re.findall(r"^    ([a-z][a-z-]*)\b", by_module.stdout, flags=re.M))
    assert {"validate", "summary", "refresh", "report", "build-workbook"} <= listed
