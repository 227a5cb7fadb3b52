"""A recording double of xlwings' public API (``xlwings.main``), for the Excel face's tests.

Each fake class stands for one real class (``REAL``) and offers only attributes that class has:
``tests/excel/test_fake_xlwings.py`` checks every public attribute, property setter and method
signature against ``xlwings.main`` and against what xlwings' Windows and macOS engines
implement, so the double cannot invent an API. Argument values are checked with xlwings' own
validators (alignment names, border styles, chart types, colours...).

Every operation (method call, property read or write) is appended to a shared ``Recorder``:
the number of calls is what costs round trips to Excel. The sheets keep what Excel would show:
values written (a leading apostrophe is Excel's text prefix; an unprefixed string that looks
like a number becomes a number, as Excel does), ``=HYPERLINK`` formulas with their displayed
text, formats, merges, charts, tables. Helpers for the tests are private (``_``-prefixed) so
they are not mistaken for API.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import xlwings.main as xlm

from motxl.core.grid import CellError, column_index, column_letter
from tests.excel.programmes import normalize

_UNSET = object()
_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
_COLS = re.compile(r"^\$?([A-Z]{1,3}):\$?([A-Z]{1,3})$")
_ROWS = re.compile(r"^\$?(\d+):\$?(\d+)$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_HYPERLINK = re.compile(r'^=HYPERLINK\("((?:[^"]|"")*)","((?:[^"]|"")*)"\)$')
MAX_ROW, MAX_COL = 1_048_576, 16_384


@dataclass
class Call:
    target: str
    op: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[Call] = []

    def __call__(self, target: str, op: str, *args, **kwargs) -> None:
        self.calls.append(Call(target, op, args, kwargs))

    def __len__(self) -> int:
        return len(self.calls)

    def ops(self, op: str) -> list[Call]:
        return [c for c in self.calls if c.op == op]

    def reset(self) -> None:
        self.calls.clear()


class FakeError(str):
    """An Excel error value held by a fake cell (``#REF!``...)."""


def parse_address(address: str) -> list[tuple[int, int, int, int]]:
    """'A1:B2,D:E,5:7' → 1-based (first_row, first_col, last_row, last_col) areas."""
    areas = []
    for part in address.replace(" ", "").split(","):
        if m := _A1.match(part):
            r1, c1 = int(m.group(2)), column_index(m.group(1))
            r2 = int(m.group(4)) if m.group(4) else r1
            c2 = column_index(m.group(3)) if m.group(3) else c1
        elif m := _COLS.match(part):
            r1, r2, c1, c2 = 1, MAX_ROW, column_index(m.group(1)), column_index(m.group(2))
        elif m := _ROWS.match(part):
            r1, r2, c1, c2 = int(m.group(1)), int(m.group(2)), 1, MAX_COL
        else:
            raise ValueError(f"address not understood by the double: {address!r}")
        areas.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return areas


def _a1(area: tuple[int, int, int, int]) -> str:
    r1, c1, r2, c2 = area
    start, end = f"{column_letter(c1)}{r1}", f"{column_letter(c2)}{r2}"
    return start if start == end else f"{start}:{end}"


def excel_stores(value: Any) -> Any:
    """What Excel keeps when given ``value`` through Range.Value."""
    if isinstance(value, str):
        if value.startswith("'"):
            return value[1:]
        if value.startswith("="):
            raise AssertionError(f"a string became a formula in Excel: {value!r}")
        if _NUMBER.match(value.strip()):
            return float(value.strip().replace(",", "."))
        if value.strip().casefold() in ("true", "false", "vrai", "faux"):
            return value.strip().casefold() in ("true", "vrai")
        return value
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value


# -- application, book, sheets -----------------------------------------------------------------

class FakeEngine:
    REAL = "Engine"

    def __init__(self, recorder: Recorder, name: str = "excel") -> None:
        self._rec = recorder
        self._name = name

    @property
    def name(self) -> str:
        self._rec("engine", "get name")
        return self._name


class FakeApp:
    REAL = "App"

    def __init__(self, recorder: Recorder) -> None:
        self._rec = recorder
        self._engine = FakeEngine(recorder)
        self._screen_updating = True
        self._status_bar: Any = False
        self._alerts: list[dict] = []

    @property
    def engine(self) -> FakeEngine:
        self._rec("app", "get engine")
        return self._engine

    @property
    def screen_updating(self) -> bool:
        self._rec("app", "get screen_updating")
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self._rec("app", "set screen_updating", value)
        self._screen_updating = value

    @property
    def status_bar(self):
        self._rec("app", "get status_bar")
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value) -> None:
        self._rec("app", "set status_bar", value)
        self._status_bar = value

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: str | None = None) -> str:
        assert buttons in ("ok", "ok_cancel", "yes_no", "yes_no_cancel")
        assert mode in (None, "info", "critical")
        self._rec("app", "alert", prompt, title=title, mode=mode)
        self._alerts.append({"prompt": prompt, "title": title, "mode": mode})
        return "ok"


class FakeBook:
    REAL = "Book"

    def __init__(self, fullname: str, recorder: Recorder | None = None) -> None:
        self._rec = recorder or Recorder()
        self._fullname = fullname
        self._app = FakeApp(self._rec)
        self._sheets: list[FakeSheet] = []
        self._sheets_api = FakeSheets(self)
        self._active: FakeSheet | None = None
        self._names: dict[str, tuple[str, str]] = {}

    def _add_sheet(self, name: str, rows: list[list[Any]] | None = None) -> "FakeSheet":
        sheet = FakeSheet(self, name)
        for r, values in enumerate(rows or []):
            for c, value in enumerate(values):
                if value is not None:
                    sheet._cells[(r + 1, c + 1)] = value
        self._sheets.append(sheet)
        return sheet

    def _sheet(self, name: str) -> "FakeSheet":
        return next(s for s in self._sheets if s._name == name)

    @property
    def app(self) -> FakeApp:
        self._rec("book", "get app")
        return self._app

    @property
    def sheets(self) -> "FakeSheets":
        self._rec("book", "get sheets")
        return self._sheets_api

    @property
    def fullname(self) -> str:
        self._rec("book", "get fullname")
        return self._fullname

    @property
    def name(self) -> str:
        self._rec("book", "get name")
        return re.split(r"[\\/]", self._fullname)[-1]

    @property
    def names(self) -> "FakeNames":
        self._rec("book", "get names")
        return FakeNames(self)

    def _define_name(self, name: str, sheet: str, address: str) -> None:
        """Test helper: a workbook-level defined name pointing at ``sheet!address``."""
        self._names[name] = (sheet, address)


class FakeSheets:
    REAL = "Sheets"

    def __init__(self, book: FakeBook) -> None:
        self._book = book
        self._rec = book._rec

    def __iter__(self):
        self._rec("sheets", "iter")
        return iter(list(self._book._sheets))

    def __len__(self) -> int:
        self._rec("sheets", "len")
        return len(self._book._sheets)

    def __contains__(self, key: str) -> bool:
        self._rec("sheets", "contains", key)
        return any(s._name == key for s in self._book._sheets)

    def __getitem__(self, key):
        self._rec("sheets", "getitem", key)
        if isinstance(key, int):
            return self._book._sheets[key]
        for sheet in self._book._sheets:
            if sheet._name == key:
                return sheet
        raise KeyError(key)

    def add(self, name: str | None = None, before=None, after=None) -> "FakeSheet":
        self._rec("sheets", "add", name, before=before, after=after)
        return self._book._add_sheet(name or f"Feuil{len(self._book._sheets) + 1}")


class FakeSheet:
    REAL = "Sheet"

    def __init__(self, book: FakeBook, name: str) -> None:
        self._book = book
        self._rec = book._rec
        self._name = name
        self._cells: dict[tuple[int, int], Any] = {}
        self._formulas: dict[tuple[int, int], str] = {}
        self._formats: list[tuple[tuple, str, Any]] = []
        self._merges: list[tuple] = []
        self._conditional_formats: list[dict] = []
        self._charts: list[FakeChart] = []
        self._tables: list[FakeTable] = []
        self._selection: str | None = None
        self._autofit: list[str | None] = []

    # test helpers
    def _value(self, row: int, col: int) -> Any:
        return self._cells.get((row, col))

    def _format_of(self, row: int, col: int, prop: str) -> Any:
        """The last value of ``prop`` set on a range covering the cell (1-based)."""
        found = None
        for areas, name, value in self._formats:
            if name == prop and any(r1 <= row <= r2 and c1 <= col <= c2
                                    for r1, c1, r2, c2 in areas):
                found = value
        return found

    def _clear(self) -> None:
        self._cells.clear()
        self._formulas.clear()
        self._formats.clear()
        self._merges.clear()
        self._conditional_formats.clear()

    # API
    @property
    def name(self) -> str:
        self._rec(self._name, "get name")
        return self._name

    def range(self, cell1, cell2=None) -> "FakeRange":
        self._rec(self._name, "range", cell1, cell2)
        if isinstance(cell1, tuple):
            if len(cell1) != 2 or 0 in cell1:
                raise IndexError("xlwings ranges are 1-based (row, col)")
            r1, c1 = cell1
            if cell2 is None:
                return FakeRange(self, [(r1, c1, r1, c1)])
            r2, c2 = cell2
            return FakeRange(self, [(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))])
        if not isinstance(cell1, str):
            raise TypeError(f"range({cell1!r}) not supported by the double")
        if cell2 is not None:
            raise TypeError("range(str, str) not used by motxl")
        return FakeRange(self, parse_address(cell1))

    @property
    def used_range(self) -> "FakeRange":
        self._rec(self._name, "get used_range")
        if not self._cells:
            return FakeRange(self, [(1, 1, 1, 1)])
        rows = [r for r, _ in self._cells]
        cols = [c for _, c in self._cells]
        return FakeRange(self, [(min(rows), min(cols), max(rows), max(cols))])

    def clear(self) -> None:
        self._rec(self._name, "clear")
        self._clear()

    @property
    def charts(self) -> "FakeCharts":
        self._rec(self._name, "get charts")
        return FakeCharts(self)

    @property
    def tables(self) -> "FakeTables":
        self._rec(self._name, "get tables")
        return FakeTables(self)

    def activate(self) -> None:
        self._rec(self._name, "activate")
        self._book._active = self

    def autofit(self, axis: str | None = None) -> None:
        assert axis in (None, "rows", "r", "columns", "c")
        self._rec(self._name, "autofit", axis)
        self._autofit.append(axis)

    @property
    def api(self) -> "FakeCom":
        """The native object; the double records the COM calls made on it (Windows)."""
        self._rec(self._name, "get api")
        return FakeCom(self._rec, f"{self._name}.api")


# -- ranges and their parts --------------------------------------------------------------------

class FakeRange:
    REAL = "Range"

    def __init__(self, sheet: FakeSheet, areas, options: dict | None = None) -> None:
        self._sheet = sheet
        self._rec = sheet._rec
        self._areas = list(areas)
        self._options = dict(options or {})

    @property
    def _target(self) -> str:
        return f"{self._sheet._name}!{','.join(_a1(a) for a in self._areas)}"

    def _single(self) -> tuple[int, int, int, int]:
        assert len(self._areas) == 1, f"multi-area range used for values: {self._target}"
        return self._areas[0]

    def _set_format(self, prop: str, value: Any) -> None:
        self._sheet._formats.append((tuple(self._areas), prop, value))

    # values
    def options(self, convert: Any = None, **options: Any) -> "FakeRange":
        self._rec(self._target, "options", convert, **options)
        assert convert is None, "the double only supports the default converter"
        assert set(options) <= {"ndim", "err_to_str", "empty", "numbers", "dates"}
        return FakeRange(self._sheet, self._areas, {**self._options, **options})

    @property
    def value(self) -> Any:
        self._rec(self._target, "get value", **self._options)
        r1, c1, r2, c2 = self._single()
        err_to_str = self._options.get("err_to_str", False)

        def read(value):
            if isinstance(value, FakeError):
                return str(value) if err_to_str else None
            return value

        rows = [[read(self._sheet._cells.get((r, c))) for c in range(c1, c2 + 1)]
                for r in range(r1, r2 + 1)]
        if self._options.get("ndim") == 2:
            return rows
        if (r1, c1) == (r2, c2):
            return rows[0][0]
        return rows[0] if r1 == r2 else [row[0] for row in rows] if c1 == c2 else rows

    @value.setter
    def value(self, data: Any) -> None:
        self._rec(self._target, "set value", data)
        r1, c1, _, _ = self._single()
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else \
            [data] if isinstance(data, list) else [[data]]
        width = len(rows[0])
        assert all(len(row) == width for row in rows), "ragged 2-D list"
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                key = (r1 + r, c1 + c)
                self._sheet._formulas.pop(key, None)
                stored = excel_stores(value)
                if stored is None:
                    self._sheet._cells.pop(key, None)
                else:
                    self._sheet._cells[key] = stored

    @property
    def formula(self) -> Any:
        self._rec(self._target, "get formula")
        r1, c1, r2, c2 = self._single()
        return [[self._sheet._formulas.get((r, c), "") for c in range(c1, c2 + 1)]
                for r in range(r1, r2 + 1)]

    @formula.setter
    def formula(self, value: Any) -> None:
        self._rec(self._target, "set formula", value)
        r1, c1, r2, c2 = self._single()
        rows = value if isinstance(value, list) else [[value]]
        assert len(rows) == r2 - r1 + 1 and all(len(r) == c2 - c1 + 1 for r in rows)
        for r, row in enumerate(rows):
            for c, formula in enumerate(row):
                match = _HYPERLINK.match(formula)
                assert match, f"the double only evaluates =HYPERLINK(...): {formula!r}"
                key = (r1 + r, c1 + c)
                self._sheet._formulas[key] = formula
                self._sheet._cells[key] = match.group(2).replace('""', '"')

    @property
    def row(self) -> int:
        self._rec(self._target, "get row")
        return self._areas[0][0]

    @property
    def column(self) -> int:
        self._rec(self._target, "get column")
        return self._areas[0][1]

    @property
    def address(self) -> str:
        self._rec(self._target, "get address")
        return ",".join(_a1(a) for a in self._areas)

    # formats
    @property
    def font(self) -> "FakeFont":
        self._rec(self._target, "get font")
        return FakeFont(self)

    @property
    def borders(self) -> "FakeBorders":
        self._rec(self._target, "get borders")
        return FakeBorders(self)

    @property
    def conditional_formats(self) -> "FakeConditionalFormats":
        self._rec(self._target, "get conditional_formats")
        return FakeConditionalFormats(self)

    @property
    def color(self):
        self._rec(self._target, "get color")
        return None

    @color.setter
    def color(self, value) -> None:
        xlm._chart_series_color(value, "color")
        self._rec(self._target, "set color", value)
        self._set_format("fill", value)

    @property
    def number_format(self) -> str:
        self._rec(self._target, "get number_format")
        return "General"

    @number_format.setter
    def number_format(self, value: str) -> None:
        assert isinstance(value, str)
        self._rec(self._target, "set number_format", value)
        self._set_format("number_format", value)

    @property
    def horizontal_alignment(self):
        self._rec(self._target, "get horizontal_alignment")
        return None

    @horizontal_alignment.setter
    def horizontal_alignment(self, value) -> None:
        xlm._horizontal_alignment(value)
        self._rec(self._target, "set horizontal_alignment", value)
        self._set_format("horizontal_alignment", value)

    @property
    def vertical_alignment(self):
        self._rec(self._target, "get vertical_alignment")
        return None

    @vertical_alignment.setter
    def vertical_alignment(self, value) -> None:
        xlm._vertical_alignment(value)
        self._rec(self._target, "set vertical_alignment", value)
        self._set_format("vertical_alignment", value)

    @property
    def wrap_text(self):
        self._rec(self._target, "get wrap_text")
        return None

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        assert isinstance(value, bool)
        self._rec(self._target, "set wrap_text", value)
        self._set_format("wrap_text", value)

    @property
    def column_width(self):
        self._rec(self._target, "get column_width")
        return None

    @column_width.setter
    def column_width(self, value: float) -> None:
        assert isinstance(value, (int, float)) and 0 <= value <= 255
        self._rec(self._target, "set column_width", value)
        self._set_format("column_width", value)

    @property
    def row_height(self):
        self._rec(self._target, "get row_height")
        return None

    @row_height.setter
    def row_height(self, value: float) -> None:
        assert isinstance(value, (int, float)) and 0 <= value <= 409
        self._rec(self._target, "set row_height", value)
        self._set_format("row_height", value)

    @property
    def api(self) -> "FakeCom":
        """The native object; the double records the COM calls made on it (Windows)."""
        self._rec(self._target, "get api")
        return FakeCom(self._rec, f"{self._target}.api")

    def merge(self, across: bool = False) -> None:
        self._rec(self._target, "merge", across)
        self._sheet._merges.append(self._single())

    def select(self) -> None:
        self._rec(self._target, "select")
        assert self._sheet._book._active is self._sheet, "select() on a sheet that is not active"
        self._sheet._selection = ",".join(_a1(a) for a in self._areas)

    def delete(self, shift: str | None = None) -> None:
        assert shift in (None, "up", "left")
        self._rec(self._target, "delete", shift)
        r1, c1, r2, c2 = self._single()
        inside = [t for t in self._sheet._tables
                  if r1 <= t._area[0] and t._area[2] <= r2 and c1 <= t._area[1]
                  and t._area[3] <= c2]
        for table in inside:  # Excel deletes a table whose whole range is deleted
            self._sheet._tables.remove(table)
        for key in [k for k in self._sheet._cells if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]:
            del self._sheet._cells[key]


class FakeFont:
    REAL = "Font"

    def __init__(self, rng: FakeRange) -> None:
        self._rng = rng

    def set(self, *, bold=_UNSET, italic=_UNSET, size=_UNSET, color=_UNSET,
            name=_UNSET) -> None:
        given = {k: v for k, v in dict(bold=bold, italic=italic, size=size, color=color,
                                       name=name).items() if v is not _UNSET}
        assert given, "Font.set() without attributes"
        for key in ("bold", "italic"):
            if key in given:
                assert isinstance(given[key], bool)
        if "size" in given:
            assert isinstance(given["size"], (int, float)) and given["size"] > 0
        if "color" in given:
            xlm._chart_series_color(given["color"], "color")
        self._rng._rec(self._rng._target, "font.set", **given)
        for key, value in given.items():
            self._rng._set_format(f"font.{key}", value)


class FakeBorders:
    REAL = "Borders"

    def __init__(self, rng: FakeRange) -> None:
        self._rng = rng

    def set(self, which="all", *, line_style=_UNSET, weight=_UNSET, color=_UNSET) -> None:
        xlm._border_sides(which)
        if line_style is not _UNSET:
            xlm._border_line_style(line_style)
        if weight is not _UNSET:
            xlm._border_weight(weight)
        if color is not _UNSET:
            xlm._border_color(color)
        given = {k: v for k, v in dict(line_style=line_style, weight=weight,
                                       color=color).items() if v is not _UNSET}
        self._rng._rec(self._rng._target, "borders.set", which, **given)
        self._rng._set_format("borders", (which, given))


class FakeConditionalFormats:
    REAL = "ConditionalFormats"

    def __init__(self, rng: FakeRange) -> None:
        self._rng = rng

    def add_custom(self, formula: str, *, fill_color=None, font_color=None, font_bold=None,
                   font_italic=None, stop_if_true: bool = False) -> None:
        xlm._conditional_format_formula(formula)
        for colour in (fill_color, font_color):
            if colour is not None:
                xlm._chart_series_color(colour, "color")
        self._rng._rec(self._rng._target, "conditional_formats.add_custom", formula,
                       fill_color=fill_color, font_color=font_color, font_bold=font_bold)
        self._rng._sheet._conditional_formats.append(
            {"areas": tuple(self._rng._areas), "formula": formula, "fill_color": fill_color,
             "font_color": font_color})


# -- charts and tables -------------------------------------------------------------------------

class FakeCharts:
    REAL = "Charts"

    def __init__(self, sheet: FakeSheet) -> None:
        self._sheet = sheet
        self._rec = sheet._rec

    def __iter__(self):
        self._rec(self._sheet._name, "charts.iter")
        return iter(list(self._sheet._charts))

    def __len__(self) -> int:
        self._rec(self._sheet._name, "charts.len")
        return len(self._sheet._charts)

    def add(self, left: float = 0, top: float = 0, width: float = 355, height: float = 211,
            chart_type: str | None = None, source=None, plot_by=None, name=None, anchor=None,
            style: int | None = 227) -> "FakeChart":
        if anchor is not None and (top or left):
            raise ValueError("You must either provide 'anchor' or 'top'/'left', but not both.")
        if chart_type is not None:
            xlm._chart_type(chart_type)
        if plot_by is not None:
            assert source is not None
            xlm._chart_plot_by(plot_by)
        self._rec(self._sheet._name, "charts.add", chart_type=chart_type,
                  source=source._target if source else None, plot_by=plot_by,
                  anchor=anchor._target if anchor else None, width=width, height=height)
        chart = FakeChart(self._sheet, chart_type, source, plot_by, anchor, width, height)
        self._sheet._charts.append(chart)
        return chart


class FakeChart:
    REAL = "Chart"

    def __init__(self, sheet, chart_type, source, plot_by, anchor, width, height) -> None:
        self._sheet = sheet
        self._rec = sheet._rec
        self._type = chart_type
        self._source = source._target if source else None
        self._plot_by = plot_by
        self._anchor = anchor._target if anchor else None
        self._size = (width, height)
        self._title = None
        self._categories = None
        self._series: list[dict] = []
        if source is not None:
            r1, c1, r2, c2 = source._areas[0]
            count = (c2 - c1 + 1) if plot_by == "columns" else (r2 - r1 + 1)
            self._series = [{} for _ in range(count)]
        self._axis: dict = {}
        self._legend: dict = {}

    @property
    def title(self):
        self._rec("chart", "get title")
        return self._title

    @title.setter
    def title(self, value) -> None:
        self._rec("chart", "set title", value)
        self._title = value

    def set_x_axis_values(self, source: FakeRange) -> None:
        self._rec("chart", "set_x_axis_values", source._target)
        self._categories = source._target

    @property
    def series(self) -> "FakeChartSeriesCollection":
        self._rec("chart", "get series")
        return FakeChartSeriesCollection(self)

    @property
    def value_axis(self) -> "FakeChartAxis":
        self._rec("chart", "get value_axis")
        return FakeChartAxis(self)

    @property
    def legend(self) -> "FakeChartLegend":
        self._rec("chart", "get legend")
        return FakeChartLegend(self)

    def delete(self) -> None:
        self._rec("chart", "delete")
        self._sheet._charts.remove(self)


class FakeChartSeriesCollection:
    REAL = "ChartSeriesCollection"

    def __init__(self, chart: FakeChart) -> None:
        self._chart = chart

    def __len__(self) -> int:
        self._chart._rec("chart", "series.len")
        return len(self._chart._series)

    def __getitem__(self, key: int) -> "FakeChartSeries":
        self._chart._rec("chart", "series.getitem", key)
        self._chart._series[key]  # IndexError like a real out-of-range series
        return FakeChartSeries(self._chart, key)


class FakeChartSeries:
    REAL = "ChartSeries"

    def __init__(self, chart: FakeChart, index: int) -> None:
        self._chart = chart
        self._index = index

    def set(self, *, name=_UNSET, marker_style=_UNSET, marker_size=_UNSET,
            marker_foreground_color=_UNSET, marker_background_color=_UNSET,
            line_color=_UNSET, fill_color=_UNSET, chart_type=_UNSET,
            axis_group=_UNSET) -> None:
        given = {k: v for k, v in dict(
            name=name, marker_style=marker_style, marker_size=marker_size,
            marker_foreground_color=marker_foreground_color,
            marker_background_color=marker_background_color, line_color=line_color,
            fill_color=fill_color, chart_type=chart_type, axis_group=axis_group).items()
            if v is not _UNSET}
        if "name" in given:
            xlm._chart_series_name(given["name"])
        for key in ("fill_color", "line_color"):
            if key in given:
                xlm._chart_series_color(given[key], key)
        self._chart._rec("chart", "series.set", self._index, **given)
        self._chart._series[self._index].update(given)


class FakeChartAxis:
    REAL = "ChartAxis"

    def __init__(self, chart: FakeChart) -> None:
        self._chart = chart

    @property
    def number_format(self) -> str:
        self._chart._rec("chart", "get value_axis.number_format")
        return self._chart._axis.get("number_format", "General")

    @number_format.setter
    def number_format(self, value: str) -> None:
        assert isinstance(value, str)
        self._chart._rec("chart", "set value_axis.number_format", value)
        self._chart._axis["number_format"] = value


class FakeChartLegend:
    REAL = "ChartLegend"

    def __init__(self, chart: FakeChart) -> None:
        self._chart = chart

    @property
    def position(self):
        self._chart._rec("chart", "get legend.position")
        return self._chart._legend.get("position")

    @position.setter
    def position(self, value) -> None:
        xlm._chart_legend_position(value)
        self._chart._rec("chart", "set legend.position", value)
        self._chart._legend["position"] = value

    @property
    def visible(self) -> bool:
        self._chart._rec("chart", "get legend.visible")
        return self._chart._legend.get("visible", True)

    @visible.setter
    def visible(self, value: bool) -> None:
        assert isinstance(value, bool)
        self._chart._rec("chart", "set legend.visible", value)
        self._chart._legend["visible"] = value


class FakeTables:
    REAL = "Tables"

    def __init__(self, sheet: FakeSheet) -> None:
        self._sheet = sheet
        self._rec = sheet._rec

    def __iter__(self):
        self._rec(self._sheet._name, "tables.iter")
        return iter(list(self._sheet._tables))

    def __len__(self) -> int:
        self._rec(self._sheet._name, "tables.len")
        return len(self._sheet._tables)

    def add(self, source=None, name: str | None = None, source_type=None, link_source=None,
            has_headers: bool = True, destination=None,
            table_style_name: str = "TableStyleMedium2") -> "FakeTable":
        if not isinstance(source, FakeRange):
            raise TypeError("'source' must be a Range")
        self._rec(self._sheet._name, "tables.add", source._target, name=name,
                  table_style_name=table_style_name)
        names = {t._name for s in self._sheet._book._sheets for t in s._tables}
        assert name not in names, f"table name {name!r} already used in the workbook"
        table = FakeTable(self._sheet, source._single(), name, table_style_name)
        self._sheet._tables.append(table)
        return table


class FakeTable:
    REAL = "Table"

    def __init__(self, sheet: FakeSheet, area, name, style) -> None:
        self._sheet = sheet
        self._area = area
        self._name = name
        self._style = style

    @property
    def name(self) -> str:
        self._sheet._rec("table", "get name")
        return self._name

    @property
    def range(self) -> FakeRange:
        self._sheet._rec("table", "get range")
        return FakeRange(self._sheet, [self._area])


class FakeNames:
    REAL = "Names"

    def __init__(self, book: FakeBook) -> None:
        self._book = book
        self._rec = book._rec

    def __contains__(self, item) -> bool:
        self._rec("names", "contains", item)
        return isinstance(item, str) and item.casefold() in {
            n.casefold() for n in self._book._names}

    def __getitem__(self, item) -> "FakeName":
        self._rec("names", "getitem", item)
        for name in self._book._names:
            if name.casefold() == str(item).casefold():
                return FakeName(self._book, name)
        raise KeyError(item)


class FakeName:
    REAL = "Name"

    def __init__(self, book: FakeBook, name: str) -> None:
        self._book = book
        self._rec = book._rec
        self._name = name

    @property
    def refers_to_range(self) -> FakeRange:
        self._rec(self._name, "get refers_to_range")
        sheet, address = self._book._names[self._name]
        return FakeRange(self._book._sheet(sheet), parse_address(address))


class FakeCom:
    """A native (COM) object: records every attribute set and method call, e.g.
    ``range.api.Rows.Group()`` → ``Call("…api.Rows", "com Group")``. Not checked against
    xlwings (it is Excel's object model, reached through ``api``)."""

    def __init__(self, rec: Recorder, path: str) -> None:
        object.__setattr__(self, "_rec", rec)
        object.__setattr__(self, "_path", path)

    def __getattr__(self, name: str) -> "FakeCom":
        return FakeCom(self._rec, f"{self._path}.{name}")

    def __setattr__(self, name: str, value) -> None:
        self._rec(self._path, f"com set {name}", value)

    def __call__(self, *args, **kwargs) -> None:
        parent, _, method = self._path.rpartition(".")
        self._rec(parent, f"com {method}", *args, **kwargs)


FAKE_CLASSES = (FakeEngine, FakeApp, FakeBook, FakeSheets, FakeSheet, FakeRange, FakeFont, FakeBorders,
                FakeConditionalFormats, FakeCharts, FakeChart, FakeChartSeriesCollection,
                FakeChartSeries, FakeChartAxis, FakeChartLegend, FakeTables, FakeTable,
                FakeNames, FakeName)


def xlwings_value(value: Any) -> Any:
    """A value as xlwings reads it from Excel: numbers are floats, dates are datetimes."""
    if isinstance(value, CellError):
        return FakeError(str(value))
    return normalize(value)


def make_book(programme_rows: list[list[Any]], *, fullname: str = r"C:\MOT\Programme2023.xlsm",
              sheets: tuple[str, ...] = ("Synthèse", "Suivi", "Contrôles"),
              names: dict[str, tuple[str, str]] | None = None) -> FakeBook:
    """A fake workbook whose Programme sheet holds ``programme_rows`` (row 1 first); ``names``
    are its defined names (name → (sheet, cell))."""
    book = FakeBook(fullname)
    for name, (sheet, cell) in (names or {}).items():
        book._define_name(name, sheet, cell)
    book._add_sheet("Programme", [[xlwings_value(v) for v in row] for row in programme_rows])
    for name in sheets:
        book._add_sheet(name)
    book._active = book._sheets[0]
    return book
