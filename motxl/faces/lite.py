"""The buttons for xlwings Lite: Excel on Windows, on a Mac or on the web, with no local Python.

xlwings Lite runs Python (Pyodide) inside Excel and calls ``@script`` functions with the
workbook; the generated ``workbook/lite/main.py`` (``scripts/make_lite.py``) declares one
script per button, each calling a function here. They run the same work as the VBA buttons
(``motxl.faces.excel``) through xlwings' remote engine, which has no status bar and no
synchronous access to a chart's series: the series names and colours are set afterwards with
``await chart.get_series()``, which only xlwings Lite provides.

Only this module's import path runs in Lite: the standard library and xlwings; no pandas,
python-calamine, XlsxWriter, olefile, defusedxml, rich or pydantic
(``tests/excel/test_lite.py`` checks it).
"""

from __future__ import annotations

from typing import Any

from motxl.faces.excel import BUTTON_WORK, run_on


def _button(name: str, book: Any) -> Any:
    status, work, quiet = BUTTON_WORK[name]
    outcome = run_on(book, status, work, quiet=quiet)
    print(outcome.message)  # also shown in xlwings Lite's output pane
    return outcome


def validate(book: Any) -> str:
    """« Valider »: check the programme, write « Contrôles », select the first error."""
    return _button("validate", book).message


async def refresh_summary(book: Any) -> str:
    """« Actualiser la synthèse »: rewrite « Synthèse », « Suivi » and « Contrôles »."""
    outcome = _button("refresh_summary", book)
    await name_chart_series(outcome.deferred)
    return outcome.message


def diagnose(book: Any) -> str:
    """« Diagnostic »: the Python, motxl and xlwings versions in Lite, and the workbook."""
    return _button("diagnose", book).message


async def name_chart_series(deferred: list) -> None:
    """Set the series names and colours the remote engine could not set while drawing."""
    for item in deferred:
        series = await item.chart.get_series()
        for one, options in zip(series, item.options):
            one.set(**options)
