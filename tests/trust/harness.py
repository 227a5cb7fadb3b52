"""Run one corpus case through one command and check everything the user relies on.

A run happens in its own folder holding only the input (and Excel's lock file for the cases that
have one); refresh -o writes ``sortie.xlsx`` and report writes ``rapports/`` in that folder, so
"nothing written on failure" is simply "the folder lists what it listed before".
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.trust.corpus import OK, Case

TEMP_MARKS = (".motxl-tmp-", "~$", ".tmp")
TABS = ("Synthèse", "Suivi", "Contrôles")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    """Every file and folder under ``folder``, relative, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@dataclass
class Run:
    case: Case
    command: str
    folder: Path
    input: Path
    before_sha: str | None
    before_listing: list[str]

    @property
    def output(self) -> Path:
        suffix = ".xlsm" if self.input.suffix.lower() == ".xlsm" else ".xlsx"
        return self.folder / f"sortie{suffix}"

    @property
    def reports(self) -> Path:
        return self.folder / "rapports"

    def argv(self) -> list[str]:
        sheet = ["--sheet", self.case.sheet] if self.case.sheet else []
        fmt = ["--format", "json"] if self.case.session else []
        f = str(self.input)
        return {
            "validate": ["validate", f, *sheet, *fmt],
            "summary": ["summary", f, *sheet, *fmt],
            "refresh": ["refresh", f, *sheet],
            "refresh-o": ["refresh", f, *sheet, "-o", str(self.output)],
            "report": ["report", f, *sheet, "--by", "axis", "-o", str(self.reports)],
        }[self.command]


def prepare(case: Case, command: str, source: Path, folder: Path) -> Run:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    if source.is_dir():
        target.mkdir()
    elif source.exists():
        shutil.copy2(source, target)
    if case.locked:
        (folder / ("~$" + target.name)).write_bytes(b"\x05motxl-test" + bytes(150))
    return Run(case, command, folder, target, sha256(target) if target.is_file() else None,
               listing(folder))


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_in_process(run: Run, capsys, monkeypatch) -> Result:
    from motxl.faces.cli import main

    monkeypatch.setenv("MOTXL_DEBUG", "1")  # a bug raises here with its traceback
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    try:
        code = main(run.argv())
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def run_process(run: Run, timeout: float = 120) -> Result:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("MOTXL_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "motxl", *run.argv()], capture_output=True,
                          text=True, cwd=run.folder, env=env, timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def check(run: Run, result: Result) -> None:
    """The outcome the corpus expects, the input unchanged, nothing left behind."""
    expected = run.case.expected(run.command)
    where = f"{run.case.name} × {run.command}: exit {result.code}, stderr {result.err!r}"
    assert "Traceback" not in result.err, where
    assert "erreur inattendue" not in result.err, where
    if expected == OK:
        _check_worked(run, result, where)
    else:
        _check_refused(run, result, expected, where)


def _check_refused(run: Run, result: Result, keyword: str, where: str) -> None:
    assert result.code == 2, where
    lines = result.err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("motxl : "), where
    assert not re.search("[\x00-\x1f\x7f\u202a-\u202e]", lines[0]), f"{where}: control characters"
    assert any(k in lines[0] for k in keyword.split("|")), \
        f"{where} (keyword « {keyword} » expected)"
    assert result.out == "", where
    if run.before_sha is not None:
        assert sha256(run.input) == run.before_sha, f"{where}: the input changed"
    assert listing(run.folder) == run.before_listing, f"{where}: something was written"


def _check_worked(run: Run, result: Result, where: str) -> None:
    command = run.command
    leftovers = [p for p in listing(run.folder) if ".motxl-tmp-" in p]
    assert leftovers == [], f"{where}: temp files left {leftovers}"
    if command == "refresh":
        assert result.code == 0, where
        folder = run.folder / ".motxl-backup"
        backups = sorted(p for p in folder.iterdir() if p.name.startswith(run.input.stem + "."))
        assert len(backups) == 1, f"{where}: one backup expected, found {backups}"
        assert sha256(backups[0]) == run.before_sha, f"{where}: the backup is not the original"
        assert sha256(run.input) != run.before_sha
        _check_refreshed(run.input, backups[0], where)
        written = [run.input]
    else:
        assert sha256(run.input) == run.before_sha, f"{where}: the input changed"
        if command == "validate":
            allowed = (0, 1) if run.case.validate_exit is None else (run.case.validate_exit,)
            assert result.code in allowed and result.err == "", where
            _names_the_input(run, result, where)
            written = []
        elif command == "summary":
            assert result.code == 0 and result.err == "", where
            _names_the_input(run, result, where)
            written = []
        elif command == "refresh-o":
            assert result.code == 0, where
            assert not (run.folder / ".motxl-backup").exists(), where
            _check_refreshed(run.output, run.input, where)
            written = [run.output]
        else:  # report
            assert result.code == 0, where
            assert (run.reports / "index.xlsx").is_file(), where
            written = sorted(run.reports.glob("*.xlsx"))
            for path in written:
                _open(path, where)
    if run.case.check and written:
        run.case.check(written)


def _names_the_input(run: Run, result: Result, where: str) -> None:
    """The text output says which file it is about (rich may wrap it over lines)."""
    if run.case.session:  # JSON
        return
    assert "".join(run.input.name.split()) in "".join(result.out.split()), where


def _open(path: Path, where: str):
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"{where}: {path.name} cannot be read back ({exc})")


def _check_refreshed(new: Path, old: Path, where: str) -> None:
    """The tabs are there, and every sheet of the original has the same values."""
    before, after = _open(old, where), _open(new, where)
    for tab in TABS:
        assert tab in after.sheet_names, f"{where}: tab {tab} missing"
    for name in before.sheet_names:
        if name in TABS:
            continue
        assert name in after.sheet_names, f"{where}: sheet {name} lost"
        try:
            old_values = before.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001 - chart sheets hold no cells
            continue
        new_values = after.get_sheet_by_name(name).to_python(skip_empty_area=False)
        assert _same(new_values, old_values), f"{where}: values of {name} changed"


def _same(a, b) -> bool:
    """Equal grids, NaN equal to NaN (a NaN cell read twice is the same cell)."""
    import math

    def key(v):
        return "NaN" if isinstance(v, float) and math.isnan(v) else v

    return [[key(v) for v in row] for row in a] == [[key(v) for v in row] for row in b]


def run_main(*argv) -> tuple[int, str, str]:
    """``motxl ARGV`` in-process: (exit code, stdout, stderr); usage errors give their code."""
    import contextlib
    import io

    from motxl.faces.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()
