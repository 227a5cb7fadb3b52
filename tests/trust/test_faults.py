"""Faults during a write: the original keeps its bytes, no temp file remains, the message says
what to do, and a second run finishes the job.

* Every write of a zip part (``ZipFile.write``/``writestr``, which XlsxWriter and the splice both
  go through) fails in turn: the k-th call raises ``OSError(EIO)``, for every k of refresh (in
  place) and report, the first, middle and last of refresh -o; a full disk (``ENOSPC``) and
  Ctrl+C at the first, middle and last call of each.
* A real process refreshing a 10,000-action programme is killed (SIGKILL) at random times.
* A real read-only target and folder (``chattr +i``: root ignores chmod) and a real full disk
  (a small tmpfs, in a private mount namespace), when the machine allows them.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.trust import builders as b
from tests.trust.harness import TABS, listing, sha256

COMMANDS = ("refresh", "refresh-o", "report")


def _argv(command: str, source: Path) -> list[str]:
    folder = source.parent
    return {"refresh": ["refresh", str(source)],
            "refresh-o": ["refresh", str(source), "-o", str(folder / "sortie.xlsx")],
            "report": ["report", str(source), "--by", "axis", "-o", str(folder / "rapports")],
            }[command]


class _FailAt:
    """Counts the writes of zip parts; the k-th raises ``error``."""

    def __init__(self, k: int, error: BaseException | None):
        self.k, self.error, self.calls = k, error, 0

    def __enter__(self):
        self.saved = zipfile.ZipFile.write, zipfile.ZipFile.writestr
        write, writestr = self.saved

        def counted(original):
            def call(archive, *args, **kwargs):
                self.calls += 1
                if self.calls == self.k and self.error is not None:
                    raise self.error
                return original(archive, *args, **kwargs)

            return call

        zipfile.ZipFile.write, zipfile.ZipFile.writestr = counted(write), counted(writestr)
        return self

    def __exit__(self, *exc):
        zipfile.ZipFile.write, zipfile.ZipFile.writestr = self.saved


def _run(argv: list[str], k: int = 0, error: BaseException | None = None):
    """motxl in-process with the k-th zip write failing; (exit code, stdout, stderr, calls)."""
    import contextlib
    import io

    from motxl.faces.cli import main

    out, err = io.StringIO(), io.StringIO()
    with _FailAt(k, error) as fail, contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue(), fail.calls


def _writes(command: str) -> int:
    """How many zip parts the command writes for the fault corpus' programme."""
    with tempfile.TemporaryDirectory() as folder:
        source = b.programme(Path(folder) / "programme.xlsx")
        code, _, err, calls = _run(_argv(command, source))
        assert code == 0, err
        return calls


def _faults() -> list[tuple[str, int, str]]:
    plan = []
    for command in COMMANDS:
        total = _writes(command)
        ends = sorted({1, total // 2, total})
        # refresh -o writes the same parts as refresh: its first, middle and last are enough
        every = ends if command == "refresh-o" else range(1, total + 1)
        plan += [(command, k, "EIO") for k in every]
        for k in ends:
            plan += [(command, k, "ENOSPC"), (command, k, "interrupt")]
    return plan


_ERRORS = {"EIO": lambda: OSError(errno.EIO, "Input/output error"),
           "ENOSPC": lambda: OSError(errno.ENOSPC, "No space left on device"),
           "interrupt": lambda: KeyboardInterrupt()}
#: Known bugs in files this suite does not own (strict xfail): (command, error) → reason.
_KNOWN: dict[tuple[str, str], str] = {}


def pytest_generate_tests(metafunc):
    if "fault" in metafunc.fixturenames:
        params = []
        for command, k, error in _faults():
            marks = []
            if (command, error) in _KNOWN:
                marks.append(pytest.mark.xfail(strict=True, reason=_KNOWN[(command, error)]))
            params.append(pytest.param((command, k, error), id=f"{command}-{error}-{k}",
                                       marks=marks))
        metafunc.parametrize("fault", params)


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """The system temp folder, watched: XlsxWriter and the refresh render there."""
    folder = tmp_path / "systmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.delenv("MOTXL_DEBUG", raising=False)
    return folder


def _one_french_line(err: str) -> str:
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("motxl : "), err
    assert "Traceback" not in err and "erreur inattendue" not in err, err
    return lines[0]


def test_fault(fault, tmp_path, private_tmp):
    command, k, error = fault
    folder = tmp_path / "run"
    folder.mkdir()
    source = b.programme(folder / "programme.xlsx")
    original, before = sha256(source), listing(folder)
    code, out, err, calls = _run(_argv(command, source), k, _ERRORS[error]())
    assert calls >= k, "the fault did not fire"
    assert sha256(source) == original, "the input changed"
    assert list(private_tmp.iterdir()) == [], "temp files left in the system temp folder"
    assert not [p for p in listing(folder) if ".motxl-tmp-" in p], "temp files left"
    if error == "interrupt":
        assert code == 130
        assert "interrompu" in _one_french_line(err) and "relancez" in err
    if command in ("refresh", "refresh-o"):
        if error != "interrupt":
            assert code == 2 and out == ""
            line = _one_french_line(err)
            assert "n'a pas été modifié" in line, line
        assert listing(folder) == before, "something was written"
    else:
        _check_report_folder(folder / "rapports", code, err, error)
    # nothing lost: the same command, without the fault, finishes the job
    code, out, err, _ = _run(_argv(command, source))
    assert code == 0, err
    if command == "report":
        index = [v for row in _values(folder / "rapports" / "index.xlsx") for v in row]
        assert "Axe-1.xlsx" in index and "Axe-2.xlsx" in index, index


_MESSAGES = [
    # (command, k: "first"/"last" zip write, error, words the message must hold, known bug)
    ("refresh", "last", "ENOSPC", ("Disque plein", "libérez"), None),
    ("refresh", "first", "ENOSPC", ("Disque plein", "libérez"), None),
    ("refresh-o", "first", "ENOSPC", ("Disque plein", "libérez"), None),
    ("report", "first", "ENOSPC", ("disque plein", "libérez"), None),
    ("report", "first", "EIO", ("relancez",), None),
]


@pytest.mark.parametrize(
    ("command", "when", "error", "words"),
    [pytest.param(c, w, e, words, id=f"{c}-{e}-{w}",
                  marks=[pytest.mark.xfail(strict=True, reason=bug)] if bug else [])
     for c, w, e, words, bug in _MESSAGES])
def test_fault_message_says_what_to_do(command, when, error, words, tmp_path, private_tmp):
    folder = tmp_path / "run"
    folder.mkdir()
    source = b.programme(folder / "programme.xlsx")
    k = 1 if when == "first" else _writes(command)
    code, out, err, _ = _run(_argv(command, source), k, _ERRORS[error]())
    text = err.lower()
    assert "erreur inattendue" not in text and "signalez" not in text, err
    for word in words:
        assert word.lower() in text, err


def _values(path: Path) -> list[list]:
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    return workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python()


def _check_report_folder(reports: Path, code: int, err: str, error: str) -> None:
    """A failed report run: exit 1 or 2, French lines, and every file present is whole."""
    if error != "interrupt":
        assert code in (1, 2), (code, err)
        for line in err.strip("\n").split("\n"):
            assert line.startswith("motxl : ") and "Traceback" not in line, err
    if not reports.exists():
        return
    for path in reports.iterdir():
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None, path.name
        elif path.name == ".motxl-reports.json":
            json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- SIGKILL


@pytest.fixture(scope="session")
def programme_10k(tmp_path_factory) -> Path:
    from motxl.workbooks.sample import write_sample

    return write_sample(tmp_path_factory.mktemp("big") / "Programme10000.xlsx", 10_000)


def _env(tmp: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["TMPDIR"] = str(tmp)
    env.pop("MOTXL_DEBUG", None)
    return env


KILLS = 3


def _refresh_seconds(programme_10k: Path, tmp: Path) -> float:
    folder = tmp / "timing"
    folder.mkdir()
    source = folder / programme_10k.name
    shutil.copy(programme_10k, source)
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "motxl", "refresh", str(source)], env=_env(folder),
                   check=True, capture_output=True, timeout=300)
    return time.monotonic() - start


def test_killed_refresh_of_10000_actions(programme_10k, tmp_path):
    """SIGKILL at random times over a whole refresh: either the original, untouched, or the
    refreshed workbook with its backup; never a half-written file; the next refresh works.

    The kills run side by side (each in its own folder), at delays spread over the duration of
    an unkilled refresh measured first."""
    import python_calamine

    duration = _refresh_seconds(programme_10k, tmp_path)
    rng = random.Random(2023)
    original = sha256(programme_10k)
    runs = []
    for attempt in range(KILLS):
        folder = tmp_path / f"kill{attempt}"
        systmp = folder / "systmp"
        systmp.mkdir(parents=True)
        source = folder / programme_10k.name
        shutil.copy(programme_10k, source)
        # early, middle, late (the first part of a run is Python importing)
        delay = (0.3 + 0.7 * (attempt + rng.random()) / KILLS) * duration
        proc = subprocess.Popen([sys.executable, "-m", "motxl", "refresh", str(source)],
                                env=_env(systmp), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        runs.append((time.monotonic() + delay, proc, folder, source, systmp))
    for deadline, proc, *_ in sorted(runs, key=lambda r: r[0]):
        time.sleep(max(0.0, deadline - time.monotonic()))
        proc.send_signal(signal.SIGKILL)
    outcomes = []
    for _, proc, folder, source, _systmp in runs:
        proc.wait(timeout=60)
        backups = sorted((folder / ".motxl-backup").glob("*.xlsx"))
        if sha256(source) == original:
            outcomes.append("intact")
            assert all(sha256(p) == original for p in backups)
        else:
            outcomes.append("refreshed")
            assert len(backups) == 1 and sha256(backups[0]) == original
            names = python_calamine.CalamineWorkbook.from_path(str(source)).sheet_names
            assert all(tab in names for tab in TABS)
        # what a kill may leave: a hidden temp beside the workbook, a render folder in TMPDIR
        for name in listing(folder):
            assert (name in (source.name, ".motxl-backup", "systmp")
                    or name.startswith((".motxl-backup/", "systmp/"))
                    or ".motxl-tmp-" in name), name
    assert "intact" in outcomes, outcomes  # the kills did land inside the refresh
    again = subprocess.run([sys.executable, "-m", "motxl", "refresh", str(source)],
                           env=_env(systmp), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr


# --------------------------------------------------------------------------- read-only


def _chattr(path: Path, flag: str) -> bool:
    if not shutil.which("chattr"):
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


@pytest.fixture
def immutable(tmp_path):
    """Mark paths immutable (``chattr +i``), undone at teardown; skips where not permitted."""
    marked: list[Path] = []

    def mark(path: Path) -> Path:
        if not _chattr(path, "+i"):
            pytest.skip("chattr +i is not available here")
        marked.append(path)
        return path

    yield mark
    for path in reversed(marked):
        _chattr(path, "-i")


def _cli(*argv) -> tuple[int, str, str]:
    code, out, err, _ = _run([str(a) for a in argv])
    return code, out, err


def test_read_only_target(tmp_path, immutable, private_tmp):
    folder = tmp_path / "run"
    folder.mkdir()
    source = b.programme(folder / "programme.xlsx")
    original, before = sha256(source), listing(folder)
    immutable(source)
    code, out, err = _cli("refresh", source)
    line = _one_french_line(err)
    assert code == 2 and "lecture seule" in line and "-o" in line, line
    assert sha256(source) == original
    assert not [p for p in listing(folder) if ".motxl-tmp-" in p]
    assert listing(folder) == before, "a backup was left although nothing was replaced"


def test_read_only_folder(tmp_path, immutable, private_tmp):
    folder = tmp_path / "run"
    folder.mkdir()
    source = b.programme(folder / "programme.xlsx")
    original, before = sha256(source), listing(folder)
    immutable(folder)
    for argv in (("refresh", source), ("refresh", source, "-o", folder / "sortie.xlsx")):
        code, out, err = _cli(*argv)
        line = _one_french_line(err)
        assert code == 2 and "lecture seule" in line, line
        assert sha256(source) == original and listing(folder) == before


def test_read_only_report_folder(tmp_path, immutable, private_tmp):
    folder = tmp_path / "run"
    folder.mkdir()
    source = b.programme(folder / "programme.xlsx")
    reports = folder / "rapports"
    reports.mkdir()
    immutable(reports)
    code, out, err = _cli("report", source, "--by", "axis", "-o", reports)
    line = _one_french_line(err)
    assert code == 2 and "lecture seule" in line, line
    assert list(reports.iterdir()) == []


# --------------------------------------------------------------------------- a real full disk

_FULL_DISK = r"""
import hashlib, json, os, shutil, subprocess, sys
mount, source, free, command = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount], check=True)
target = os.path.join(mount, os.path.basename(source))
shutil.copy(source, target)
st = os.statvfs(mount)
left = st.f_bavail * st.f_frsize - free
with open(os.path.join(mount, "remplissage"), "wb") as handle:
    handle.write(b"\0" * max(left, 0))
digest = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
before = digest(target)
argv = {"refresh": ["refresh", target],
        "report": ["report", target, "--by", "axis", "-o", os.path.join(mount, "rapports")]}
proc = subprocess.run([sys.executable, "-m", "motxl", *argv[command]], capture_output=True,
                      text=True)
files = sorted(os.path.relpath(os.path.join(d, f), mount)
               for d, _, fs in os.walk(mount) for f in fs)
backups = [f for f in files if f.startswith(".motxl-backup")]
print(json.dumps({"code": proc.returncode, "err": proc.stderr, "intact": digest(target) == before,
                  "files": files, "backups_ok": all(digest(os.path.join(mount, f)) == before
                                                    for f in backups)}))
"""


def _full_disk(source: Path, mount: Path, free: int, command: str) -> dict:
    mount.mkdir()
    env = _env(mount.parent)
    proc = subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable, "-c",
                           _FULL_DISK, str(mount), str(source), str(free), command],
                          capture_output=True, text=True, env=env, timeout=120)
    if proc.returncode != 0 and "mount" in proc.stderr.lower():
        pytest.skip("no private tmpfs here (unshare/mount not permitted)")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.skipif(not shutil.which("unshare"), reason="needs unshare")
@pytest.mark.parametrize("free", [0, 8_192, 32_768, 65_536])
def test_real_full_disk_refresh(free, tmp_path):
    source = b.programme(tmp_path / "programme.xlsx")
    result = _full_disk(source, tmp_path / "disque", free, "refresh")
    assert result["intact"] or result["code"] == 0, result
    assert result["backups_ok"], result
    assert not [f for f in result["files"] if ".motxl-tmp-" in f], result
    if result["code"] != 0:
        line = _one_french_line(result["err"])
        assert result["code"] == 2 and "Disque plein" in line, line
        assert [f for f in result["files"] if f != "remplissage"] == [source.name], result
