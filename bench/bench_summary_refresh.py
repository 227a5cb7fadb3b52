"""Times `motxl summary` and `motxl refresh` as whole processes against pandas baselines.

Usage:  python bench/bench_summary_refresh.py [--sizes 100 1000 10000] [--repeat 3]

For each size, a programme with the seed's headings is generated (motxl.workbooks.sample), then
each command runs --repeat times in a fresh process and the median wall time is kept. Baselines,
measured in the same run on the same file:
  read_excel  a process running pandas.read_excel on the sheet (pandas' default engine)
  pandas_full a process running read_excel + groupby + to_excel (actions and the groupby, no
              formatting) into a new file
Goals at 10,000 actions: summary <= 0.5 x read_excel; refresh <= 1.5 x pandas_full.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

READ_EXCEL = ("import warnings; warnings.simplefilter('ignore'); import pandas as pd; "
              "pd.read_excel(r'{path}', sheet_name='Programme')")
PANDAS_FULL = (
    "import warnings; warnings.simplefilter('ignore'); import pandas as pd; "
    "df = pd.read_excel(r'{path}', sheet_name='Programme'); "
    "num = ['Jours prévus', 'Budget prévu (€)', 'Jours réalisés', 'Dépenses réalisées (€)']; "
    "g = df.groupby(df['Axe'].astype(str).str.split('.').str[0])[num].sum(); "
    "w = pd.ExcelWriter(r'{out}'); df.to_excel(w, sheet_name='Suivi', index=False); "
    "g.to_excel(w, sheet_name='Synthèse'); w.close()")


def timed(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from motxl.workbooks.sample import write_sample

    py = sys.executable
    print(f"{'actions':>8} {'read_excel':>11} {'summary':>8} {'ratio':>6}   "
          f"{'pandas_full':>11} {'refresh':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            source = write_sample(Path(tmp) / f"p{size}.xlsx", size)
            work = Path(tmp) / f"w{size}.xlsx"
            shutil.copy(source, work)
            base_read = timed([py, "-c", READ_EXCEL.format(path=source)], args.repeat)
            summary = timed([py, "-m", "motxl", "summary", str(source), "--format", "json"],
                            args.repeat)
            out = Path(tmp) / f"pandas{size}.xlsx"
            base_full = timed([py, "-c", PANDAS_FULL.format(path=source, out=out)], args.repeat)
            refresh = timed([py, "-m", "motxl", "refresh", str(work), "-o",
                             str(Path(tmp) / f"r{size}.xlsx")], args.repeat)
            print(f"{size:>8} {base_read:>10.2f}s {summary:>7.2f}s {summary / base_read:>6.2f}   "
                  f"{base_full:>10.2f}s {refresh:>7.2f}s {refresh / base_full:>6.2f}")
    print("goals at 10,000 actions: summary ratio <= 0.50, refresh ratio <= 1.50")


if __name__ == "__main__":
    main()
