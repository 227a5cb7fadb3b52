"""The figures of the README's *Trust* section: bad inputs tried, faults simulated, measures.

Usage (from the repository root):
    python bench/trust_figures.py            # counts, from the corpus registry and fault plan
    python bench/trust_figures.py --run      # ... then runs `python -m pytest tests/trust -q`
    python bench/trust_figures.py --measure  # ... and times validate on the big inputs

The counts come from the code the tests run (``tests/trust/corpus.py`` and the fault plan of
``tests/trust/test_faults.py``), so they cannot drift from the suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def counts() -> dict[str, int]:
    from tests.trust import test_faults, test_processes
    from tests.trust.corpus import CASES, COMMANDS, OK, runs

    pairs = runs()
    plan = test_faults._faults()
    figures = {
        "cases": len(CASES),
        "refused_cases": sum(1 for c in CASES if c.refused),
        "commands": len(COMMANDS),
        "pairs": len(pairs),
        "pairs_refused": sum(1 for c, cmd in pairs if c.expected(cmd) != OK),
        "pairs_slow": sum(1 for c, cmd in pairs if cmd in c.slow),
        "pairs_known_bugs": sum(1 for c, cmd in pairs if cmd in c.xfail),
        "processes": len(test_processes.SUBSET),
        "faults_writer": sum(1 for _, _, e in plan if e == "EIO"),
        "faults_disk_full": sum(1 for _, _, e in plan if e == "ENOSPC"),
        "faults_interrupt": sum(1 for _, _, e in plan if e == "interrupt"),
        "faults_kill": test_faults.KILLS,
        "faults_real_disk_full": 4,
        "faults_read_only": 4,
    }
    figures["faults"] = sum(v for k, v in figures.items() if k.startswith("faults_"))
    return figures


def run_suite() -> str:
    proc = subprocess.run([sys.executable, "-m", "pytest", "tests/trust", "-q", "-p",
                           "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    return lines[-1] if lines else proc.stderr.strip()


def measure() -> list[str]:
    """``/usr/bin/time -f "%e s %M KB" python -m motxl validate`` on the big corpus inputs."""
    from tests.trust.corpus import BY_NAME

    timer = shutil.which("time") or "/usr/bin/time"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("100000-lignes", "16384-colonnes", "bombe-zip", "cellule-XFD1048576"):
            folder = Path(tmp) / name
            folder.mkdir()
            path = BY_NAME[name].build(folder)
            proc = subprocess.run([timer, "-f", "%e s %M KB", sys.executable, "-m", "motxl",
                                   "validate", str(path), "--format", "json"], env=env,
                                  capture_output=True, text=True)
            figure = proc.stderr.strip().splitlines()[-1]
            out.append(f"{name:<20} {path.stat().st_size / 1e6:7.1f} MB  exit "
                       f"{proc.returncode}  {figure}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="store_true", help="also run the trust suite")
    parser.add_argument("--measure", action="store_true", help="also time validate")
    args = parser.parse_args()
    f = counts()
    print(f"Bad inputs: {f['cases']} cases × {f['commands']} commands = {f['pairs']} runs "
          f"({f['pairs_refused']} must stop with exit 2, the others must work; "
          f"{f['pairs_slow']} slow runs need MOTXL_TRUST_SLOW=1; {f['pairs_known_bugs']} are "
          f"known bugs, strict xfail); {f['processes']} of them also as real processes.")
    print(f"Faults: {f['faults']} simulated — {f['faults_writer']} failed writes (each zip "
          f"part of refresh and of report in turn; the first, middle and last of refresh -o), "
          f"{f['faults_disk_full']} disk-full, "
          f"{f['faults_interrupt']} Ctrl+C, {f['faults_kill']} SIGKILL during a 10,000-action "
          f"refresh, {f['faults_real_disk_full']} real full disks (tmpfs), "
          f"{f['faults_read_only']} real read-only targets and folders (chattr +i).")
    print("Command: python -m pytest tests/trust -q   (all of it: MOTXL_TRUST_SLOW=1 python -m "
          "pytest tests/trust -q)")
    if args.run:
        print("Result:", run_suite())
    if args.measure:
        print("validate, whole process (/usr/bin/time):")
        for line in measure():
            print("  " + line)


if __name__ == "__main__":
    main()
