"""Times `motxl validate` and `motxl summary` on the bundled workbook against a bare read.

Usage:  python bench/bench_startup.py [--repeat 15]

Each command runs --repeat times in a fresh process, interleaved so that a busy machine slows
every side alike; the median wall time and the median CPU time (user + system, less sensitive
to other processes) are kept. Baselines, measured in the same run:
  python    a process that starts the interpreter and does nothing (`python -c pass`)
  calamine  a process reading the Programme sheet with python-calamine (no checks, no roll-up)
Goal: validate and summary <= 0.2 s each on an idle machine; the ratios to `calamine` are the
figure that does not depend on the machine (0.2 s was about 5x a bare read when it was set).

Children run as users' Python does, with bytecode caches (bench/children.py).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from children import user_env, warm_up

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
    env = user_env()
    warm_up(*commands.values())
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, cmd in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env=env)
            times[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            if done.returncode not in (0, 1):  # validate exits 1 when the programme has errors
                sys.exit(f"{name} failed (exit {done.returncode})")
    median = {name: statistics.median(values) for name, values in times.items()}
    median_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    base, base_cpu = median["calamine"], median_cpu["calamine"]
    print(f"{'process':>9} {'wall':>8} {'÷ calamine':>11} {'cpu':>8} {'÷ calamine':>11}"
          f"   (medians of {args.repeat})")
    for name in commands:
        print(f"{name:>9} {median[name]:7.3f}s {median[name] / base:10.2f}x "
              f"{median_cpu[name]:7.3f}s {median_cpu[name] / base_cpu:10.2f}x")


if __name__ == "__main__":
    main()
