"""Times `motxl report --by person` as whole processes against a plain pandas baseline.

Usage:  python bench/bench_report.py [--actions 10000] [--persons 50] [--repeat 3]

A programme of --actions actions spread over --persons persons is generated with the seed's
headings (motxl.workbooks.sample.sample_rows) and written with motxl.workbooks.writing.save_sheets.
Then, each --repeat times in a fresh process (median wall time kept):

  pandas      read the sheet (pandas.read_excel, calamine engine) and write each person's rows
              with DataFrame.to_excel, one file per person (no cover, styles, tables or charts)
  jobs=1      motxl report FILE --by person -o DIR --jobs 1
  jobs=2      motxl report FILE --by person -o DIR --jobs 2

Prints the time per report and the ratios to the baseline. Not a test: figures only.
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

ROOT = Path(__file__).resolve().parents[1]

PANDAS = (
    "import warnings, pathlib; warnings.simplefilter('ignore'); import pandas as pd; "
    "df = pd.read_excel(r'{path}', sheet_name='Programme', engine='calamine'); "
    "df = df[df['Responsable'].notna()]; out = pathlib.Path(r'{out}'); out.mkdir(exist_ok=True); "
    "[g.to_excel(out / f'{{p}}.xlsx', index=False) for p, g in df.groupby('Responsable')]")


def timed(cmd: list[str], runs: int, env: dict) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=env, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--persons", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from motxl.workbooks.sample import sample_rows
    from motxl.workbooks.writing import save_sheets

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "programme.xlsx"
        save_sheets(source, {"Programme": sample_rows(args.actions, args.persons)})
        baseline = timed([py, "-c", PANDAS.format(path=source, out=Path(tmp) / "pandas")],
                         args.repeat, env)
        reports = len(list((Path(tmp) / "pandas").glob("*.xlsx")))
        rows = [("pandas to_excel", baseline)]
        for jobs in (1, 2):
            out = Path(tmp) / f"jobs{jobs}"
            seconds = timed([py, "-m", "motxl", "report", str(source), "--by", "person",
                             "-o", str(out), "--jobs", str(jobs), "--format", "json"],
                            args.repeat, env)
            written = len(list(out.glob("*.xlsx"))) - 1  # the index
            assert written == reports, (written, reports)
            rows.append((f"motxl --jobs {jobs}", seconds))
    print(f"{args.actions} actions, {reports} reports (one per person), median of "
          f"{args.repeat} run(s), {os.cpu_count()} CPU(s)")
    print(f"{'':<18} {'total':>8} {'per report':>11} {'ratio':>7}")
    for name, seconds in rows:
        print(f"{name:<18} {seconds:>7.2f}s {seconds / reports * 1000:>9.1f}ms "
              f"{seconds / baseline:>7.2f}")
    print(f"speed-up of --jobs 2 over --jobs 1: {rows[1][1] / rows[2][1]:.2f}")


if __name__ == "__main__":
    main()
