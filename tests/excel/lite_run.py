"""Run one script of the generated xlwings Lite ``main.py`` as Lite would, in this process.

    python tests/excel/lite_run.py MAIN_PY PAYLOAD_JSON SCRIPT OUT_JSON NOW_ISO

Run by tests/excel/test_lite.py in a fresh interpreter where the packages that are not on
Lite's path cannot be imported (pandas, python-calamine, XlsxWriter, olefile, defusedxml, rich,
openpyxl). The remote engine (xlwings Lite's) is loaded with the noncommercial key set here,
for this test process only. Outside Pyodide, ``chart.get_series()`` refuses to run; it is
replaced by what it returns in Lite once Excel has answered with the series count. The
tabs' "Situation au" time is fixed to NOW_ISO.
Writes {"actions", "messages", "motxl_files", "blocked_loaded"} as JSON.
"""

import asyncio
import contextlib
import io
import json
import os
import runpy
import sys

BLOCKED = ("pandas", "python_calamine", "xlsxwriter", "olefile", "defusedxml", "rich",
           "openpyxl", "pydantic")


def main(main_py: str, payload_path: str, script: str, out_path: str, now: str) -> None:
    import datetime as dt

    for name in BLOCKED:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    import xlwings as xw
    from xlwings.pro import _xlremote

    async def get_series(self):  # Lite reads the count from Excel; here: enough of them
        return _xlremote.ChartSeriesCollection(self, count=10)

    _xlremote.Chart.get_series = get_series
    with open(payload_path, encoding="utf-8") as handle:
        book = xw.Book(json=json.load(handle))
    namespace = runpy.run_path(main_py, run_name="lite_main")
    sys.modules["motxl.faces.excel"]._now = lambda: dt.datetime.fromisoformat(now)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        result = namespace[script](book)
        if asyncio.iscoroutine(result):
            asyncio.run(result)
    motxl_files = sorted({getattr(m, "__file__", "") or "" for n, m in sys.modules.items()
                          if m is not None and (n == "motxl" or n.startswith("motxl."))})
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump({"actions": book.json()["actions"], "messages": output.getvalue(),
                   "motxl_files": motxl_files,
                   "blocked_loaded": [n for n in BLOCKED if sys.modules.get(n) is not None]},
                  handle, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:6])
