"""The live-workbook adapter: read a programme sheet and draw TabSpecs through xlwings.

Every xlwings call is a round trip to Excel, so the number of calls must not grow with the
number of rows:

* reading is one block: ``used_range.options(ndim=2, err_to_str=True).value``;
* each Block's values are one ``range.value = 2-D list``; links are ``=HYPERLINK(...)``
  formulas written as one block per run of consecutive cells in a column;
* style ranges are grouped by style into multi-area addresses (``"A5:M5,A9:M9"``, at most
  255 characters each, Excel's limit; on macOS, whose xlwings engine cuts such addresses to
  their first cell, one address per area), without changing what the TabSpec contract says about
  overriding (later ranges win property by property): a range joins an earlier group of the same
  style only when no group in between overlaps it on a property both set;
* widths and heights are grouped the same way; merges, conditional formats, tables and charts
  are one call or a few each, per item of the TabSpec (their number does not depend on rows).

Only xlwings' public API is used (no ``.api``), and only the parts its Windows, macOS and
remote engines implement (the remote engine is the one behind xlwings Lite and xlwings Server:
no multi-area addresses, no synchronous access to a chart's series; see ``Engine``). What those engines lack is left to the workbook build, which sets it once
on the empty sheets and which ``sheet.clear()`` keeps: frozen panes, print set-up, tab colour.
Also not drawn live: the ``indent`` and ``underline`` style properties and chart data labels.

Text is written as text: a string Excel could take for a formula, a number, a date or a
boolean is written with a leading apostrophe (Excel's text prefix, not part of the value).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from dataclasses import dataclass, field, fields
from typing import Any, Iterable, Sequence

from motxl.core.grid import Grid, column_letter, normalize_value
from motxl.presentation.spec import (CONDITIONAL_STYLES, STYLES, Area, Chart, Link, Style,
                                  TabSpec)
from motxl.core.text import fold

#: Excel refuses longer addresses in Range("...").
MAX_ADDRESS = 255
#: Points per pixel (96 dpi screens): charts are sized in pixels in the TabSpec.
POINTS_PER_PIXEL = 0.75
CHART_TYPES = {"column": "column_clustered", "bar": "bar_clustered", "pie": "pie",
               "doughnut": "doughnut"}
_STYLE_FIELDS = tuple(f.name for f in fields(Style))
#: Style properties xlwings' desktop engines cannot set (see the module docstring).
UNSUPPORTED = frozenset({"indent", "underline"})
_NEEDS_PREFIX = re.compile(r"^[=+\-@'#]|\d")
_BOOLEANS = frozenset({"true", "false", "vrai", "faux"})


# -- the engine -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Engine:
    """What the xlwings engine behind a workbook can do, where engines differ.

    ``multi_area``: ``range("A1:B2,D4:E5")`` reaches Excel whole (Windows' COM engine only:
    xlwings' macOS engine keeps the first cell of such an address, the remote engine refuses
    it). ``chart_series``: ``chart.series[i]`` works (desktop engines; the remote engine only
    offers ``await chart.get_series()`` inside xlwings Lite). ``status_bar``: ``app.status_bar``
    exists (not on the remote engine).
    """

    name: str
    multi_area: bool
    chart_series: bool
    status_bar: bool


def engine_of(book) -> Engine:
    """The Engine of ``book`` (``book.app.engine.name``: ``excel`` or ``remote``)."""
    name = str(book.app.engine.name)
    if name == "remote":
        return Engine(name, multi_area=False, chart_series=False, status_bar=False)
    return Engine(name, multi_area=multi_area_default(), chart_series=True, status_bar=True)


@dataclass
class DeferredSeries:
    """Series settings a chart could not take synchronously (remote engine): xlwings Lite
    applies them after ``await chart.get_series()``."""

    chart: Any
    options: list[dict[str, Any]]


# -- reading -----------------------------------------------------------------------------------

class SheetFinder:
    """The book's sheets by name, listed once (each ``sheet.name`` is a call to Excel), and
    the book's Engine."""

    def __init__(self, book):
        self.book = book
        self.engine = engine_of(book)
        self.sheets = {sheet.name: sheet for sheet in book.sheets}

    def get(self, name: str, *, create: bool = False):
        """The sheet called ``name`` (exact, else the only one with the same folded name);
        None when absent, or a new sheet at the end with ``create``."""
        if name in self.sheets:
            return self.sheets[name]
        folded = [n for n in self.sheets if fold(n) == fold(name)]
        if len(folded) == 1:
            return self.sheets[folded[0]]
        if not create:
            return None
        if self.sheets:
            sheet = self.book.sheets.add(name, after=list(self.sheets.values())[-1])
        else:
            sheet = self.book.sheets.add(name)
        self.sheets[name] = sheet
        return sheet


def read_grid(sheet, sheet_name: str, source: str = "") -> Grid:
    """The sheet's used range as a Grid, read in one block (errors kept as CellError)."""
    used = sheet.used_range
    first_row, first_col = used.row, used.column
    values = used.options(ndim=2, err_to_str=True).value
    rows = [[normalize_value(v, errors_as_text=True) for v in row] for row in values or []]
    return Grid(sheet=sheet_name, rows=rows, first_row=first_row, first_col=first_col,
                source=source)


# -- values ------------------------------------------------------------------------------------

def excel_text(text: str) -> str:
    """``text`` as Excel must receive it to store it as text (apostrophe prefix if needed)."""
    if text and (_NEEDS_PREFIX.search(text) or text.strip().casefold() in _BOOLEANS):
        return "'" + text
    return text


def excel_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, dt.date)):
        return value
    if isinstance(value, str):
        return excel_text(value)
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and not math.isfinite(value) else value
    try:  # Decimal, numpy numbers...
        number = float(value)
    except (TypeError, ValueError):
        return excel_text(str(value))
    return number if math.isfinite(number) else None


def cell_values(spec: TabSpec) -> dict[tuple[int, int], Any]:
    """(row, col) → value, later blocks over earlier ones (``TabSpec.value_at`` without links)."""
    values: dict[tuple[int, int], Any] = {}
    for block in spec.blocks:
        for r, row_values in enumerate(block.values):
            for c, value in enumerate(row_values):
                values[(block.row + r, block.col + c)] = value
    return values


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def link_formula(link: Link) -> str:
    """``=HYPERLINK("#'Programme'!A95","A95")`` (Range.Formula takes English syntax)."""
    target = f"#{quote_sheet(link.sheet)}!{link.cell}".replace('"', '""')
    return f'=HYPERLINK("{target}","{link.text.replace(chr(34), chr(34) * 2)}")'


# -- addresses ---------------------------------------------------------------------------------

def _overlap(a: Area, b: Area) -> bool:
    return not (a.last_row < b.first_row or b.last_row < a.first_row
                or a.last_col < b.first_col or b.last_col < a.first_col)


def coalesce(areas: Iterable[Area]) -> list[Area]:
    """Same areas, fewer: duplicates dropped, vertical then horizontal neighbours joined."""
    result = sorted(set(areas), key=lambda a: (a.first_col, a.last_col, a.first_row))
    merged: list[Area] = []
    for area in result:
        last = merged[-1] if merged else None
        if (last and (last.first_col, last.last_col) == (area.first_col, area.last_col)
                and area.first_row <= last.last_row + 1):
            merged[-1] = Area(last.first_row, last.first_col, max(last.last_row, area.last_row),
                              last.last_col)
        else:
            merged.append(area)
    merged.sort(key=lambda a: (a.first_row, a.last_row, a.first_col))
    joined: list[Area] = []
    for area in merged:
        last = joined[-1] if joined else None
        if (last and (last.first_row, last.last_row) == (area.first_row, area.last_row)
                and area.first_col <= last.last_col + 1):
            joined[-1] = Area(last.first_row, last.first_col, last.last_row,
                              max(last.last_col, area.last_col))
        else:
            joined.append(area)
    return joined


def addresses(parts: Sequence[str], multi_area: bool = True) -> list[str]:
    """Comma-joined addresses of at most MAX_ADDRESS characters each (or one per part)."""
    if not multi_area:
        return list(parts)
    chunks: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current},{part}" if current else part
        if len(candidate) > MAX_ADDRESS and current:
            chunks.append(current)
            current = part
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def _runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted distinct numbers → (first, last) of each run of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def column_runs(columns: Iterable[int]) -> list[str]:
    """0-based columns → 'C:E'-style runs."""
    return [f"{column_letter(first + 1)}:{column_letter(last + 1)}"
            for first, last in _runs(columns)]


def row_runs(rows: Iterable[int]) -> list[str]:
    """0-based rows → '5:7'-style runs."""
    return [f"{first + 1}:{last + 1}" for first, last in _runs(rows)]


# -- styles ------------------------------------------------------------------------------------

@dataclass
class StyleGroup:
    style: str
    areas: list[Area] = field(default_factory=list)

    @property
    def properties(self) -> frozenset[str]:
        return set_properties(STYLES[self.style])


def set_properties(style: Style) -> frozenset[str]:
    return frozenset(name for name in _STYLE_FIELDS if getattr(style, name) is not None)


def group_styles(spec: TabSpec) -> list[StyleGroup]:
    """The spec's style ranges as groups applied in order, with the same end result."""
    groups: list[StyleGroup] = []
    for style_range in spec.styles:
        if style_range.style not in STYLES:
            raise ValueError(f"unknown style {style_range.style!r} in tab {spec.name!r}")
        props = set_properties(STYLES[style_range.style])
        target = None
        for group in reversed(groups):
            if group.style == style_range.style:
                target = group
                break
            if group.properties & props and any(_overlap(a, style_range.area)
                                                for a in group.areas):
                break
        if target is None:
            target = StyleGroup(style_range.style)
            groups.append(target)
        target.areas.append(style_range.area)
    return groups


def apply_style(rng, style: Style) -> None:
    """Set on ``rng`` every property ``style`` sets (None: leave as is)."""
    font: dict[str, Any] = {}
    for name in ("bold", "italic", "size"):
        if getattr(style, name) is not None:
            font[name] = getattr(style, name)
    if style.color:
        font["color"] = "#" + style.color
    if font:
        rng.font.set(**font)
    if style.fill:
        rng.color = "#" + style.fill
    if style.num_format:
        rng.number_format = style.num_format
    if style.align:
        rng.horizontal_alignment = style.align
    if style.valign:
        rng.vertical_alignment = style.valign
    if style.wrap is not None:
        rng.wrap_text = style.wrap
    if style.border:
        rng.borders.set("all", line_style="continuous", weight="thin")


# -- the tab -----------------------------------------------------------------------------------

def clear_sheet(sheet) -> None:
    """Empty a tab but keep the sheet (and its code name): charts, tables, cells, formats.

    Last first: the remote engine's charts and tables are positions in a list, which a
    deletion shifts."""
    for chart in reversed(list(sheet.charts)):
        chart.delete()
    for table in reversed(list(sheet.tables)):
        table.range.delete(shift="up")
    sheet.clear()


def multi_area_default() -> bool:
    """Whether ``sheet.range("A1:B2,D4:E5")`` reaches Excel whole: yes through the Windows
    engine (COM ``Range``); xlwings' macOS engine keeps only the first cell of such an address,
    so there every area gets its own calls (still as many whatever the number of rows)."""
    return sys.platform != "darwin"


def render_tab(sheet, spec: TabSpec, *, clear: bool = True, multi_area: bool | None = None,
               engine: Engine | None = None) -> list[DeferredSeries]:
    """Draw ``spec`` on ``sheet`` (cleared first); return the chart series settings the engine
    could not take synchronously (none on the desktop engines)."""
    if engine is None:
        engine = Engine("excel", multi_area_default(), chart_series=True, status_bar=True)
    multi = engine.multi_area if multi_area is None else multi_area
    deferred: list[DeferredSeries] = []
    if clear:
        clear_sheet(sheet)
    _write_blocks(sheet, spec)
    _write_links(sheet, spec.links)
    for group in group_styles(spec):
        style = STYLES[group.style]
        for address in addresses([a.a1 for a in coalesce(group.areas)], multi):
            apply_style(sheet.range(address), style)
    if spec.links and "link" in STYLES:
        link_areas = coalesce(Area(k.row, k.col, k.row, k.col) for k in spec.links)
        for address in addresses([a.a1 for a in link_areas], multi):
            apply_style(sheet.range(address), STYLES["link"])
    for area in spec.merges:
        if (area.first_row, area.first_col) != (area.last_row, area.last_col):
            sheet.range(area.a1).merge()
    for cond in spec.conditional_formats:
        look = CONDITIONAL_STYLES[cond.style]
        formula = cond.formula if cond.formula.startswith("=") else "=" + cond.formula
        options: dict[str, Any] = {}
        if look.fill:
            options["fill_color"] = "#" + look.fill
        if look.color:
            options["font_color"] = "#" + look.color
        if look.bold is not None:
            options["font_bold"] = look.bold
        sheet.range(cond.area.a1).conditional_formats.add_custom(formula, **options)
    for table in spec.tables:
        area = table.area
        if area.last_row == area.first_row:
            area = Area(area.first_row, area.first_col, area.first_row + 1, area.last_col)
        sheet.tables.add(source=sheet.range(area.a1), name=table.name,
                         table_style_name=table.style)
    for chart in spec.charts:
        late = _chart(sheet, chart, engine.chart_series)
        if late is not None:
            deferred.append(late)
    _sizes(sheet, spec, multi)
    draw_outline(sheet, spec, mode=outline_mode(engine.name))
    if spec.selected is not None:
        row, col = spec.selected
        sheet.activate()
        sheet.range((row + 1, col + 1)).select()
    return deferred


def outline_mode(engine: str = "excel") -> str:
    """How rows are grouped: ``group`` on the remote engine (xlwings Lite and Server: xlwings
    0.37.8 implements ``Range.group`` there only), ``com`` on Windows (Excel's object model
    through ``api``), ``none`` on macOS (no way through xlwings: the rows stay ungrouped, the
    figures are the same)."""
    if engine == "remote":
        return "group"
    return "com" if sys.platform == "win32" else "none"


def draw_outline(sheet, spec: TabSpec, *, mode: str | None = None) -> None:
    """The tab's row outline: +/− buttons above the detail, folded to ``shown`` levels."""
    outline = spec.outline
    mode = mode or outline_mode()
    if outline is None or not outline.levels or mode == "none":
        return
    if mode == "com":
        sheet.api.Cells.ClearOutline()  # a second refresh must not nest the groups again
        sheet.api.Outline.SummaryRow = 0  # xlSummaryAbove: the axis row heads its objectives
    for depth in range(1, outline.depth + 1):
        for first, last in outline.runs(depth):
            rows = sheet.range(f"{first + 1}:{last + 1}")
            if mode == "com":
                rows.api.Rows.Group()
            else:
                rows.group(by="rows")
    if mode == "com":
        sheet.api.Outline.ShowLevels(RowLevels=outline.shown + 1)


def _write_blocks(sheet, spec: TabSpec) -> None:
    values = cell_values(spec)
    for block in spec.blocks:
        height, width = block.height, block.width
        if not height or not width:
            continue
        data = [[excel_value(values.get((block.row + r, block.col + c))) for c in range(width)]
                for r in range(height)]
        sheet.range((block.row + 1, block.col + 1)).value = data


def _write_links(sheet, links: Sequence[Link]) -> None:
    """One formula block per run of consecutive rows in a column."""
    by_cell = {(k.row, k.col): k for k in links}  # a later link on the same cell wins
    runs: list[list[Link]] = []
    for key in sorted(by_cell, key=lambda rc: (rc[1], rc[0])):
        link = by_cell[key]
        last = runs[-1][-1] if runs else None
        if last is not None and last.col == link.col and last.row + 1 == link.row:
            runs[-1].append(link)
        else:
            runs.append([link])
    for run in runs:
        first, last = run[0], run[-1]
        sheet.range((first.row + 1, first.col + 1),
                    (last.row + 1, last.col + 1)).formula = [[link_formula(k)] for k in run]


def _sizes(sheet, spec: TabSpec, multi: bool) -> None:
    by_width: dict[float, list[int]] = {}
    for col, width in spec.column_widths.items():
        by_width.setdefault(width, []).append(col)
    for width, cols in sorted(by_width.items()):
        for address in addresses(column_runs(cols), multi):
            sheet.range(address).column_width = width
    sheet.autofit("rows")
    by_height: dict[float, list[int]] = {}
    for row, height in spec.row_heights.items():
        by_height.setdefault(height, []).append(row)
    for height, rows in sorted(by_height.items()):
        for address in addresses(row_runs(rows), multi):
            sheet.range(address).row_height = height


def _chart(sheet, chart: Chart, series_access: bool = True) -> DeferredSeries | None:
    """One chart from its series' value areas, which xlwings needs side by side. Series names
    and colours are set through ``chart.series[i]`` where the engine allows it, else returned
    for later (the series are never indexed there)."""
    series = list(chart.series)
    if not series:
        return None
    vertical = all(s.values.first_col == s.values.last_col for s in series) and not (
        len(series) == 1 and series[0].values.first_row == series[0].values.last_row)
    usable = [series[0]]
    for s in series[1:]:
        prev = usable[-1].values
        v = s.values
        if vertical and (v.first_row, v.last_row) == (prev.first_row, prev.last_row) \
                and v.first_col == prev.last_col + 1 == v.last_col:
            usable.append(s)
        elif not vertical and (v.first_col, v.last_col) == (prev.first_col, prev.last_col) \
                and v.first_row == prev.last_row + 1 == v.last_row:
            usable.append(s)
        else:
            break  # xlwings cannot add a series apart from the source range
    first, last = usable[0].values, usable[-1].values
    source = Area(first.first_row, first.first_col, last.last_row, last.last_col)
    xl_chart = sheet.charts.add(
        chart_type=CHART_TYPES[chart.kind], source=sheet.range(source.a1),
        plot_by="columns" if vertical else "rows",
        anchor=sheet.range((chart.anchor[0] + 1, chart.anchor[1] + 1)),
        width=chart.width_px * POINTS_PER_PIXEL, height=chart.height_px * POINTS_PER_PIXEL)
    xl_chart.title = chart.title
    xl_chart.set_x_axis_values(sheet.range(usable[0].categories.a1))
    settings: list[dict[str, Any]] = []
    for s in usable:
        options: dict[str, Any] = {"name": s.name}
        if s.color and chart.kind in ("column", "bar"):
            options["fill_color"] = "#" + s.color
        settings.append(options)
    if series_access:
        chart_series = xl_chart.series
        for index, options in enumerate(settings):
            chart_series[index].set(**options)
    if chart.kind in ("column", "bar"):
        if chart.number_format:
            xl_chart.value_axis.number_format = chart.number_format
        if len(usable) > 1:
            xl_chart.legend.position = "bottom"
        else:
            xl_chart.legend.visible = False
    else:
        xl_chart.legend.position = "right"
    return None if series_access else DeferredSeries(xl_chart, settings)
