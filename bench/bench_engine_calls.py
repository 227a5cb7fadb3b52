"""Engine actions per button click, 83 actions against 10,000, on both engines the tests use.

Usage:  python bench/bench_engine_calls.py [--sizes 83 1000 10000]

Each button function (Valider, Actualiser la synthèse) runs on:
  double  the recording double of xlwings' API (tests/excel/fake_xlwings.py): every xlwings
          call counts (each one is a round trip to Excel on Windows/macOS), in the Windows
          (multi-area addresses) and macOS (one area per call) modes;
  remote  xlwings' remote engine, the one of xlwings Lite (``book.json()`` actions, licence key
          ``noncommercial`` set in this process only); "actions" are what the engine sends,
          "calls" undo xlwings' own split of a value write above 100,000 cells.
The baseline is the 83-action programme of the committed workbook, measured in the same run:
the goal is a ratio of 1.00 (the number of calls does not grow with the programme).
Run from the repository root (it uses the tests' helpers).
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FUNCTIONS = ("validate", "refresh_summary")


def programme(size: int) -> list[list[Any]]:
    from tests.excel.programmes import big_programme_rows, workbook_rows

    return workbook_rows() if size == 83 else big_programme_rows(size)


def on_double(rows, function: str, multi_area: bool) -> tuple[int, int, float]:
    import xlwings

    import motxl.faces.excel as excel
    import motxl.render.xlwings_live as live
    from tests.excel.fake_xlwings import make_book
    from tests.excel.programmes import BOOK_FULLNAME

    book = make_book(rows, fullname=BOOK_FULLNAME)
    saved = live.multi_area_default, xlwings.Book.__dict__["caller"]
    setattr(live, "multi_area_default", lambda: multi_area)
    setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
    try:
        start = time.perf_counter()
        getattr(excel, function)()
        seconds = time.perf_counter() - start
    finally:
        setattr(live, "multi_area_default", saved[0])
        setattr(xlwings.Book, "caller", saved[1])
    return len(book._rec), len(book._rec), seconds


def on_remote(rows, function: str, sheets: dict) -> tuple[int, int, float]:
    import xlwings

    import motxl.faces.excel as excel
    from tests.excel.programmes import BOOK_NAME
    from tests.excel.remote_engine import engine_calls, workbook_payload

    payload = workbook_payload(dict(sheets, Programme=rows), name=BOOK_NAME)
    book = xlwings.Book(json=copy.deepcopy(payload))
    saved = xlwings.Book.__dict__["caller"]
    setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
    try:
        start = time.perf_counter()
        getattr(excel, function)()
        seconds = time.perf_counter() - start
    finally:
        setattr(xlwings.Book, "caller", saved)
    actions = book.json()["actions"]
    return engine_calls(actions), len(actions), seconds


def load_remote_engine() -> None:
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # this benchmark process only
    import xlwings
    from xlwings.pro import _xlremote

    xlwings.engines.engines_by_name["remote"] = xlwings.main.Engine(impl=_xlremote.engine)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[83, 1000, 10000])
    args = parser.parse_args()
    load_remote_engine()
    import sys as _sys
    from io import StringIO

    from tests.excel.programmes import WORKBOOK
    from tests.excel.remote_engine import file_sheets

    sheets = file_sheets(WORKBOOK)
    sizes = sorted(set([83] + args.sizes))
    engines: dict[str, Callable[[Any, str], tuple[int, int, float]]] = {
        "double (Windows)": lambda rows, f: on_double(rows, f, True),
        "double (macOS)": lambda rows, f: on_double(rows, f, False),
        "remote (xlwings Lite)": lambda rows, f: on_remote(rows, f, sheets),
    }
    print(f"{'engine':<22} {'button':<16} {'actions':>8} {'calls':>6} {'engine actions':>15} "
          f"{'ratio':>6} {'seconds':>8}")
    worst = 0.0
    for name, run in engines.items():
        for function in FUNCTIONS:
            baseline = None
            for size in sizes:
                quiet, _sys.stdout = _sys.stdout, StringIO()  # the double's alert prints nothing
                try:
                    calls, raw, seconds = run(programme(size), function)
                finally:
                    _sys.stdout = quiet
                baseline = baseline or calls
                ratio = calls / baseline
                worst = max(worst, ratio)
                print(f"{name:<22} {function:<16} {size:>8} {calls:>6} {raw:>15} "
                      f"{ratio:>6.2f} {seconds:>8.2f}")
    print(f"\nworst ratio against 83 actions: {worst:.2f} (goal: 1.00)")
    return 0 if worst == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
