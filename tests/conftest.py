"""Shared fixtures: programme workbooks written by motxl's own writer, and a CLI runner."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from motxl.faces.cli import main
from motxl.workbooks.writing import save_sheets, seed_rows

# Every JSON document printed during the tests, in process or by a child process, is checked
# against its model (motxl/faces/json_models.py).
os.environ["MOTXL_CHECK_JSON"] = "1"

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "workbook" / "source" / "programme-seed.txt"
HEADER = ["Axe", "PROGRAMME 2023 - projet", "Responsable", "Financement", "Jours prévus",
          "Budget prévu (€)", "Jours réalisés", "Dépenses réalisées (€)", "Statut", "Échéance",
          "Commentaire"]


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def seed_workbook(tmp_path, seed_text) -> Path:
    """The seed's lines verbatim on a Programme sheet, as the user handed them."""
    path = tmp_path / "seed.xlsx"
    save_sheets(path, {"Programme": seed_rows(seed_text)})
    return path


@pytest.fixture
def make_programme(tmp_path):
    """Write rows under the full header (row 1) and return the path. Rows are lists/dicts."""
    counter = iter(range(10_000))

    def make(rows, header=HEADER, sheet="Programme", extra_sheets=None, name=None):
        path = tmp_path / (name or f"programme{next(counter)}.xlsx")
        body = []
        for row in rows:
            if isinstance(row, dict):
                body.append([row.get(h) for h in header])
            else:
                body.append(list(row))
        sheets = {sheet: [list(header)] + body}
        sheets.update(extra_sheets or {})
        save_sheets(path, sheets)
        return path

    return make


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Run ``motxl ARGS`` in-process; returns exit code, stdout and stderr."""

    def run(*args) -> Result:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse exits on usage errors
            code = exc.code
        captured = capsys.readouterr()
        assert gc.isenabled(), "motxl left Python's cycle collector off"
        return Result(code, captured.out, captured.err)

    return run


def run_motxl(*args, cwd=None) -> Result:
    """Run the installed console script as a user would, in a fresh process."""
    proc = subprocess.run([sys.executable, "-m", "motxl", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd)
    return Result(proc.returncode, proc.stdout, proc.stderr)
