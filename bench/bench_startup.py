"""Times `motxl validate` and `motxl summary` on the bundled workbook against a bare read.

Usage:  python bench/bench_startup.py [--repeat 15]

Each command runs --repeat times in a fresh process, interleaved so that a busy machine slows
every side alike, and the median wall time is kept. Baselines, measured in the same run:
  python    a process that starts the interpreter and does nothing (`python -c pass`)
  calamine  a process reading the Programme sheet with python-calamine (no checks, no roll-up)
Goal: validate and summary <= 0.2 s each on an idle machine; the ratios to `calamine` are the
figure that does not depend on the machine (0.2 s was about 5x a bare read when it was set).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORKBOOK = Path(__file__).resolve().parents[1] / "workbook" / "Programme2023.xlsm"
CALAMINE = ("import python_calamine as c; "
            "c.CalamineWorkbook.from_path(r'{path}').get_sheet_by_name('Programme').to_python()")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    py = sys.executable
    commands = {
        "python": [py, "-c", "pass"],
        "calamine": [py, "-c", CALAMINE.format(path=WORKBOOK)],
        "validate": [py, "-m", "motxl", "validate", str(WORKBOOK)],
        "summary": [py, "-m", "motxl", "summary", str(WORKBOOK)],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, cmd in commands.items():
            start = time.perf_counter()
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
            if done.returncode not in (0, 1):  # validate exits 1 when the programme has errors
                sys.exit(f"{name} failed (exit {done.returncode})")
    median = {name: statistics.median(values) for name, values in times.items()}
    base = median["calamine"]
    print(f"{'process':>9} {'median':>8} {'÷ calamine':>11}   (repeat {args.repeat})")
    for name, value in median.items():
        print(f"{name:>9} {value:7.3f}s {value / base:10.2f}x")


if __name__ == "__main__":
    main()
