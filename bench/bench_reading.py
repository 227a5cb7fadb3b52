"""Reading is linear in the sheet's used area: `motxl validate` against a raw python-calamine read.

Usage:  python bench/bench_reading.py [--actions 100000] [--repeat 3]

Two files are generated (motxl.workbooks.sample): a small programme with one stray note in
Z100000, and a programme of --actions actions. For each, in the same run, on the same file:
  calamine   a process that imports python_calamine and reads every row of the sheet
  validate   a process running `motxl validate FILE --format json`
The two run in turn, --repeat times each, so that a busy machine slows both alike; wall time
is the median, with the ratio of the medians and the median of each repeat's ratio (paired);
peak memory (max RSS) is read by the parent from os.wait4 on the finished child.
Children run as users' Python does, with bytecode caches (bench/children.py). Goals: stray cell validate <= 1 s; 100,000 actions
validate <= 3 s and <= 200 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from children import user_env, warm_up

CALAMINE = ("import python_calamine as c; s = c.CalamineWorkbook.from_path(r'{path}')"
            ".get_sheet_by_name('Programme'); n = sum(1 for _ in s.iter_rows())")


def run_once(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak MB) of ``cmd`` run as a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=user_env())
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({status})")
    return seconds, usage.ru_maxrss / 1024


def run(commands: list[list[str]], repeat: int) -> list[list[tuple[float, float]]]:
    """(seconds, peak MB) of each run of each command, the commands run in turn."""
    warm_up(*commands)
    results: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(repeat):
        for index, cmd in enumerate(commands):
            results[index].append(run_once(cmd))
    return results


def build(folder: Path, actions: int, write: bool = True) -> dict[str, Path]:
    from motxl.workbooks.sample import sample_rows
    from motxl.workbooks.writing import save_sheets

    files = {"stray cell Z100000": folder / "stray.xlsx",
             f"{actions:,} actions": folder / "large.xlsx"}
    if not write:
        return files
    stray = sample_rows(100)
    stray += [[None]] * (100_000 - len(stray) - 1) + [[None] * 25 + ["note égarée"]]
    save_sheets(files["stray cell Z100000"], {"Programme": stray})
    save_sheets(files[f"{actions:,} actions"], {"Programme": sample_rows(actions)})
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build", metavar="FOLDER", help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args()
    if args.build:
        build(Path(args.build), args.actions)
        return
    with tempfile.TemporaryDirectory() as tmp:
        # Built in a child process: Linux keeps a process's peak memory across fork and exec,
        # so children forked from a parent that built 100,000 rows would all report its peak.
        subprocess.run([sys.executable, __file__, "--build", tmp, "--actions", str(args.actions)],
                       check=True)
        files = build(Path(tmp), args.actions, write=False)
        print(f"{'file':<22} {'calamine':>10} {'validate':>10} {'ratio':>7} {'paired':>7} "
              f"{'peak MB':>9} {'calamine MB':>12}")
        for name, path in files.items():
            raws, vals = run(
                [[sys.executable, "-c", CALAMINE.format(path=path)],
                 [sys.executable, "-m", "motxl", "validate", str(path), "--format", "json"]],
                args.repeat)
            raw, val = (statistics.median(t for t, _ in runs) for runs in (raws, vals))
            # the median of each repeat's ratio: the two runs of a repeat follow each other,
            # so a minute when the machine runs slowly slows both
            paired = statistics.median(v / r for (r, _), (v, _) in zip(raws, vals))
            print(f"{name:<22} {raw:9.2f}s {val:9.2f}s {val / raw:7.2f} {paired:7.2f} "
                  f"{max(m for _, m in vals):9.0f} {max(m for _, m in raws):12.0f}")


if __name__ == "__main__":
    main()
