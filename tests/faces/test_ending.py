"""How a `motxl` process ends: read-only commands leave their results to the operating system
(motxl/faces/ending.py), with every byte of their output printed; other commands end the usual
way, with every exit handler run."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

#: Runs the entry point as the `motxl` script does, with an exit handler that says it ran.
SCRIPT = ("import atexit, sys\n"
          "atexit.register(lambda: print('exit handlers ran', file=sys.stderr))\n"
          "from motxl.faces.cli import entry_point\n"
          "sys.argv = ['motxl'] + sys.argv[1:]\n"
          "entry_point()\n")


def _programme(make_programme, actions: int):
    """A programme whose every action has an unknown status: one finding an action."""
    rows = [["1", "[SOCLE] AXE 1"], ["1.1", "OBJECTIF"]]
    rows += [["1.1", f"Action {n}", "Anne", None, 1, 100, 0, 0, f"statut {n}"]
             for n in range(actions)]
    return make_programme(rows)


def _run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, **kwargs)


def test_a_read_only_command_prints_everything_then_leaves_without_cleaning_up(
        make_programme):
    path = _programme(make_programme, 3000)
    proc = _run("validate", str(path), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    document = json.loads(proc.stdout)  # complete: the output was flushed before leaving
    assert len(document["findings"]) == 3000
    assert "exit handlers ran" not in proc.stderr  # os._exit: nothing freed, nothing run

    summary = _run("summary", str(path), "--format", "json", "--as-of", "2023-06-30")
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)["totals"]["actions"] == 3000
    assert "exit handlers ran" not in summary.stderr


def test_a_command_that_writes_ends_the_usual_way(make_programme, tmp_path):
    path = _programme(make_programme, 10)
    proc = _run("refresh", str(path), "-o", str(tmp_path / "out.xlsx"))
    assert proc.returncode in (0, 1), proc.stderr
    assert "exit handlers ran" in proc.stderr
    assert (tmp_path / "out.xlsx").exists()


def test_a_reader_that_goes_away_early_gets_no_traceback(make_programme):
    """`motxl validate … | head`: the output is larger than a pipe holds; the reader leaves
    after a few bytes."""
    path = _programme(make_programme, 3000)
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, "validate", str(path), "--format",
                             "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)
    proc.stdout.close()
    error = proc.stderr.read().decode("utf-8")
    assert proc.wait() == 0
    assert "Traceback" not in error and "Exception" not in error
