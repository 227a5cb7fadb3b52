"""xlwings' remote engine for the tests: a workbook file's sheets as the payload, and the
actions a button records (``book.json()``) replayed into cell grids.

The remote engine is the one xlwings Lite runs inside Excel (and xlwings Server behind it). It
lives in ``xlwings/pro`` and loads only with a licence key: ``XLWINGS_LICENSE_KEY=noncommercial``
is set here, for the duration of one test, never in motxl itself (see docs/excel-engines.md for
why this use is within the PolyForm Noncommercial licence). The engine reads the payload's
values; writes are recorded as actions and do not show in later reads, so the tests replay them.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import xlwings
import xlwings.main

from tests.excel.fake_xlwings import excel_stores
from tests.excel.programmes import normalize

#: What xlwings Lite sends (alignment and a few other calls need this client).
LITE_CLIENT = "Office.js"
_HYPERLINK = re.compile(r'^=HYPERLINK\("(?:[^"]|"")*","((?:[^"]|"")*)"\)$')
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}:\d{2})?$")


@pytest.fixture
def remote(monkeypatch):
    """Register xlwings' remote engine for one test (licence key set for that test only)."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    from xlwings.pro import _xlremote  # licence-gated import: needs the key above

    engine = xlwings.main.Engine(impl=_xlremote.engine)
    monkeypatch.setitem(xlwings.engines.engines_by_name, "remote", engine)
    return engine


def payload_value(value: Any) -> Any:
    """A cell as an Office.js client sends it: empty as "", dates as ISO strings with Z."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day).isoformat(
            timespec="milliseconds") + "Z"
    return value


def sheet_payload(name: str, rows: list[list[Any]], **extra: Any) -> dict:
    width = max((len(r) for r in rows), default=1) or 1
    values = [[payload_value(v) for v in row] + [""] * (width - len(row)) for row in rows]
    return {"name": name, "values": values or [[""]], "pictures": [], "tables": [],
            "charts": [], "shapes": [], "pivot_tables": [], **extra}


def workbook_payload(sheets: dict[str, list[list[Any]]], *, name: str,
                     client: str = LITE_CLIENT,
                     names: dict[str, tuple[str, str]] | None = None) -> dict:
    """The payload of a book holding ``sheets`` (name → rows, row 1 first), first one active;
    ``names``: its workbook-level defined names (name → (sheet, cell))."""
    order = list(sheets)
    defined = [{"name": n, "sheet_index": order.index(sheet), "address": cell,
                "book_scope": True, "scope_sheet_name": None, "scope_sheet_index": None,
                "refers_to": f"={sheet}!{cell}"}
               for n, (sheet, cell) in (names or {}).items()]
    return {"client": client, "version": xlwings.__version__,
            "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
            "names": defined, "sheets": [sheet_payload(n, rows) for n, rows in sheets.items()]}


def file_sheets(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet of a workbook file, values as stored (openpyxl), in tab order."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
                for ws in workbook.worksheets}
    finally:
        workbook.close()


def open_book(payload: dict):
    """A remote-engine Book on a copy of ``payload`` (the engine edits its payload in place)."""
    return xlwings.Book(json=copy.deepcopy(payload))


def _excel_value(value: Any) -> Any:
    """What Excel keeps from a value Office.js writes (ISO date strings become dates)."""
    if isinstance(value, str) and _ISO_DATE.match(value):
        return dt.datetime.fromisoformat(value)
    if value == "":
        return None
    return normalize(excel_stores(value))


class Replay:
    """The book's sheets after the recorded actions: values by sheet name, 1-based cells."""

    def __init__(self, payload: dict, actions: list[dict]):
        self.names = [s["name"] for s in payload["sheets"]]
        self.cells: dict[str, dict[tuple[int, int], Any]] = {}
        for sheet in payload["sheets"]:
            cells = self.cells.setdefault(sheet["name"], {})
            for r, row in enumerate(sheet["values"]):
                for c, value in enumerate(row):
                    if _excel_value(value) is not None:
                        cells[(r + 1, c + 1)] = _excel_value(value)
        self.actions = actions
        self.unknown: set[str] = set()
        for action in actions:
            self._apply(action)

    def of(self, action: dict) -> dict[tuple[int, int], Any]:
        return self.cells[self.names[action["sheet_position"]]]

    def _apply(self, action: dict) -> None:
        func = action["func"]
        if func == "addSheet":
            self.names.append(action["args"][1] if len(action["args"]) > 1 else "")
            self.cells.setdefault(self.names[-1], {})
        elif func == "setValues":
            self._write(action, action["values"], lambda v: _excel_value(v))
        elif func == "setFormula":
            def shown(formula: Any) -> Any:
                match = _HYPERLINK.match(str(formula))
                assert match, f"formula the replay cannot evaluate: {formula!r}"
                return match.group(1).replace('""', '"')
            self._write(action, action["values"], shown)
        elif func == "sheetClear":
            self.of(action).clear()
        elif func == "rangeDelete":
            cells = self.of(action)
            r0, c0 = action["start_row"] + 1, action["start_column"] + 1
            r1, c1 = r0 + action["row_count"] - 1, c0 + action["column_count"] - 1
            for key in [k for k in cells if r0 <= k[0] <= r1 and c0 <= k[1] <= c1]:
                del cells[key]
        else:
            self.unknown.add(func)  # formats, charts...: checked by the tests directly

    def _write(self, action: dict, values: list[list[Any]], convert) -> None:
        cells = self.of(action)
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                key = (action["start_row"] + r + 1, action["start_column"] + c + 1)
                stored = convert(value)
                if stored is None:
                    cells.pop(key, None)
                else:
                    cells[key] = stored

    def funcs(self, name: str) -> list[dict]:
        return [a for a in self.actions if a["func"] == name]


def engine_calls(actions: list[dict]) -> int:
    """The number of actions with xlwings' own chunking undone: xlwings splits a value write
    above ``DEFAULT_MAX_CELLS_PER_WRITE`` cells into blocks of ``budget // columns`` rows (all
    its engines do, to bound each request); a block that follows a full block of the same
    columns, just below it, is the same write."""
    from xlwings.base_classes import DEFAULT_MAX_CELLS_PER_WRITE as budget

    count = 0
    previous: dict | None = None
    for action in actions:
        chunk = (previous is not None and action["func"] == previous["func"] == "setValues"
                 and action["sheet_position"] == previous["sheet_position"]
                 and action["start_column"] == previous["start_column"]
                 and action["column_count"] == previous["column_count"]
                 and previous["row_count"] == budget // previous["column_count"]
                 and action["start_row"] == previous["start_row"] + previous["row_count"])
        count += 0 if chunk else 1
        previous = action
    return count
