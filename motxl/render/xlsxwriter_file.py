"""Render TabSpecs into a new workbook file with XlsxWriter (no Excel, no macros).

The TabSpec contract (motxl.presentation.spec) is shared with the openpyxl and xlwings adapters;
this one follows it to the letter:

* block values are written whole: str always with ``write_string`` (a label starting with ``=``
  never becomes a formula), dates with the date format unless a style gives one;
* style ranges are applied in order, later ranges overriding earlier ones property by property.
  XlsxWriter needs one Format per distinct combination, so each cell gets the tuple of style
  names that cover it (work proportional to the ranges' areas, not cells × ranges), each tuple
  is merged once into a Style, and each Style becomes one Format;
* then widths, heights, merges, links, conditional formats, tables, charts, panes, print set-up,
  tab colour and selection.

One addition to the contract: a row holding wrapped text and no height of its own gets an
estimated height (lines × font height). Excel sizes such rows itself when it opens the file,
but LibreOffice (and so the PDFs) keeps the default height and the lines overlap.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import heapq
import re
from dataclasses import fields, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from motxl.presentation.spec import (CONDITIONAL_STYLES, DATE, STYLES, Area, Chart, Style, TabSpec,
                                  Table)

#: Options every workbook motxl writes with XlsxWriter gets: text stays text.
WORKBOOK_OPTIONS: dict[str, Any] = {
    "in_memory": True,  # parts assembled in memory, not in temporary files: ~20% faster
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "remove_timezone": True,
}

#: Slice colours of pie and doughnut charts: Office's theme colours, set explicitly so that
#: Excel and LibreOffice (the PDFs) draw the same slices.
ROUND_PALETTE = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47", "264478",
                 "9E480E", "636363", "997300")

_STYLE_FIELDS = tuple(f.name for f in fields(Style))
_EMPTY = Style()
_VALIGN = {"top": "top", "center": "vcenter", "bottom": "bottom"}
_CHART_TYPES = {"column": "column", "bar": "bar", "pie": "pie", "doughnut": "doughnut"}
_TABLE_NAME_BAD = re.compile(r"[^A-Za-z0-9_.\\]")
_LOOKS_LIKE_CELL = re.compile(r"^(?:[A-Za-z]{1,3}\d+|[RrCc]|[Rr]\d*[Cc]\d*)$")


def merge_styles(base: Style, over: Style) -> Style:
    """``over`` applied on ``base``: every property ``over`` sets wins, the others are kept."""
    return Style(**{name: getattr(over, name) if getattr(over, name) is not None
                    else getattr(base, name) for name in _STYLE_FIELDS})


def style_of(names: Iterable[str], palette: Mapping[str, Style] = STYLES) -> Style:
    """The effective style of a cell covered by the named styles, in order."""
    style = _EMPTY
    for name in names:
        try:
            style = merge_styles(style, palette[name])
        except KeyError:
            raise ValueError(f"unknown style {name!r} (not in STYLES)") from None
    return style


def format_properties(style: Style) -> dict[str, Any]:
    """XlsxWriter format properties for a Style (only what it sets)."""
    props: dict[str, Any] = {}
    if style.bold is not None:
        props["bold"] = style.bold
    if style.italic is not None:
        props["italic"] = style.italic
    if style.size is not None:
        props["font_size"] = style.size
    if style.color:
        props["font_color"] = "#" + style.color
    if style.fill:
        props["pattern"] = 1
        props["bg_color"] = "#" + style.fill
    if style.num_format:
        props["num_format"] = style.num_format
    if style.align:
        props["align"] = style.align
    if style.valign:
        props["valign"] = _VALIGN[style.valign]
    if style.wrap:
        props["text_wrap"] = True
    if style.border:
        props["border"] = 1
    if style.indent:
        props["indent"] = style.indent
    if style.underline:
        props["underline"] = 1
    return props


class FormatCache:
    """One XlsxWriter Format per distinct effective style, shared by all tabs of a workbook."""

    def __init__(self, workbook) -> None:
        self.workbook = workbook
        self._by_names: dict[tuple[tuple[str, ...], bool], Any] = {}
        self._styles: dict[tuple[str, ...], Style] = {}
        self._by_style: dict[Style, Any] = {}
        self._conditional: dict[str, Any] = {}

    def for_style(self, style: Style):
        if style == _EMPTY:
            return None
        fmt = self._by_style.get(style)
        if fmt is None:
            fmt = self._by_style[style] = self.workbook.add_format(format_properties(style))
        return fmt

    def style(self, names: tuple[str, ...]) -> Style:
        style = self._styles.get(names)
        if style is None:
            style = self._styles[names] = style_of(names)
        return style

    def for_names(self, names: tuple[str, ...], is_date: bool = False):
        key = (names, is_date)
        try:
            return self._by_names[key]
        except KeyError:
            pass
        style = self.style(names)
        if is_date and style.num_format is None:
            style = replace(style, num_format=DATE)
        fmt = self._by_names[key] = self.for_style(style)
        return fmt

    def conditional(self, name: str):
        fmt = self._conditional.get(name)
        if fmt is None:
            try:
                style = CONDITIONAL_STYLES[name]
            except KeyError:
                raise ValueError(f"unknown conditional style {name!r}") from None
            fmt = self._conditional[name] = self.workbook.add_format(format_properties(style))
        return fmt


class StyleMap:
    """The style names covering each cell, kept as runs of rows per column.

    Built by a sweep over each column's ranges (sorted starts and ends), so the cost is the
    number of ranges and runs, not cells × ranges; consecutive identical names are kept once.
    """

    def __init__(self, spec: TabSpec) -> None:
        per_col: dict[int, list[tuple[int, int, int, str]]] = {}
        for index, style_range in enumerate(spec.styles):
            area, name = style_range.area, style_range.style
            if name not in STYLES:
                raise ValueError(f"unknown style {name!r} in tab {spec.name!r}")
            item = (area.first_row, area.last_row, index, name)
            for col in range(area.first_col, area.last_col + 1):
                per_col.setdefault(col, []).append(item)
        self.runs: dict[int, list[tuple[int, int, tuple[str, ...]]]] = {
            col: _sweep(items) for col, items in per_col.items()}
        self._starts = {col: [run[0] for run in runs] for col, runs in self.runs.items()}

    def names_at(self, row: int, col: int) -> tuple[str, ...] | None:
        runs = self.runs.get(col)
        if not runs:
            return None
        i = bisect.bisect_right(self._starts[col], row) - 1
        if i >= 0 and runs[i][1] >= row:
            return runs[i][2]
        return None

    def cells(self) -> dict[tuple[int, int], tuple[str, ...]]:
        return {(row, col): names for col, runs in self.runs.items()
                for first, last, names in runs for row in range(first, last + 1)}


def _sweep(items: list[tuple[int, int, int, str]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Runs (first_row, last_row, names) of one column from its ranges (first, last, order,
    name): between two consecutive boundaries the covering ranges do not change."""
    items.sort()
    ends: list[tuple[int, int]] = []  # heap of (last_row, order) of the active ranges
    active: dict[int, str] = {}
    boundaries = sorted({i[0] for i in items} | {i[1] + 1 for i in items})
    runs: list[tuple[int, int, tuple[str, ...]]] = []
    k = 0
    for b, start in enumerate(boundaries[:-1]):
        while k < len(items) and items[k][0] <= start:
            first, last, order, name = items[k]
            active[order] = name
            heapq.heappush(ends, (last, order))
            k += 1
        while ends and ends[0][0] < start:
            active.pop(heapq.heappop(ends)[1], None)
        if not active:
            continue
        names: list[str] = []
        for order in sorted(active):
            if not names or names[-1] != active[order]:
                names.append(active[order])
        key = tuple(names)
        end = boundaries[b + 1] - 1
        if runs and runs[-1][2] == key and runs[-1][1] == start - 1:
            runs[-1] = (runs[-1][0], end, key)
        else:
            runs.append((start, end, key))
    return runs


def cell_style_names(spec: TabSpec) -> dict[tuple[int, int], tuple[str, ...]]:
    """(row, col) → names of the style ranges covering the cell, in the spec's order."""
    return StyleMap(spec).cells()


def cell_values(spec: TabSpec) -> dict[tuple[int, int], Any]:
    """(row, col) → value, later blocks over earlier ones (as ``TabSpec.value_at``)."""
    values: dict[tuple[int, int], Any] = {}
    for block in spec.blocks:
        for r, row_values in enumerate(block.values):
            row = block.row + r
            for c, value in enumerate(row_values):
                values[(row, block.col + c)] = value
    return values


DEFAULT_WIDTH = 8.43  # Excel's default column width, in characters
LINE_HEIGHT = 15.0  # points per line of 11-point text


def _text_lines(text: str, width: float, bold: bool) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (an estimate).

    Wrapped word by word, as Excel and LibreOffice do; a column ``width`` wide holds about
    1.25 × width lower-case characters of the default font, fewer in capitals or bold
    (measured on LibreOffice's prints: counting characters without words made one-line and
    two-line labels a line taller than their text)."""
    lines = 0
    for paragraph in text.split("\n"):
        if not paragraph:
            lines += 1
            continue
        upper = sum(1 for ch in paragraph if ch.isupper()) / len(paragraph)
        per_line = max(width - 1.0, 1.0) * (1.25 - 0.15 * upper) / (1.08 if bold else 1.0)
        count, used = 1, 0.0
        for word in paragraph.split():
            size = len(word) + (1 if used else 0)
            if used and used + size > per_line:
                count += 1
                used = float(len(word))
            else:
                used += size
            while used > per_line:  # a word longer than the line wraps inside itself
                count += 1
                used -= per_line
        lines += count
    return lines


def text_height(text: str, width: float, style: Style) -> float | None:
    """The height of a row showing ``text`` wrapped in ``width`` characters, if over a line."""
    if len(text) < 8:
        return None
    lines = _text_lines(text, width, bool(style.bold))
    if lines <= 1:
        return None
    return min(409.0, lines * LINE_HEIGHT * (style.size or 11.0) / 11.0)


def _write_value(ws, row: int, col: int, value: Any, fmt) -> None:
    if value is None:
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, (dt.date, dt.datetime, dt.time)):
        ws.write_datetime(row, col, value, fmt)
    else:  # Decimal, numpy numbers...
        try:
            number = float(value)
        except (TypeError, ValueError):
            ws.write_string(row, col, str(value), fmt)
        else:
            ws.write_number(row, col, number, fmt)


_MISSING = object()


def _is_date(value: Any) -> bool:
    return isinstance(value, (dt.date, dt.datetime))


def quote_sheet(name: str) -> str:
    """A sheet name as it appears in a reference: 'It''s'."""
    return "'" + name.replace("'", "''") + "'"


def _table_name(name: str, used: set[str]) -> str:
    """A valid, workbook-unique Excel table name."""
    clean = _TABLE_NAME_BAD.sub("_", name) or "Tableau"
    if not (clean[0].isalpha() or clean[0] == "_"):
        clean = "T_" + clean
    if _LOOKS_LIKE_CELL.match(clean):
        clean = "T_" + clean
    clean = clean[:250]
    candidate, n = clean, 2
    while candidate.casefold() in used:
        candidate = f"{clean}_{n}"
        n += 1
    used.add(candidate.casefold())
    return candidate


def _table_headers(spec: TabSpec, area: Area) -> list[str]:
    """Header texts from the block values: non-empty, unique (case-insensitive) strings."""
    headers: list[str] = []
    seen: set[str] = set()
    for index, col in enumerate(range(area.first_col, area.last_col + 1), start=1):
        value = spec.value_at(area.first_row, col)
        text = "" if value is None else str(value).strip()
        text = text or f"Colonne {index}"
        candidate, n = text, 2
        while candidate.casefold() in seen:
            candidate = f"{text} ({n})"
            n += 1
        seen.add(candidate.casefold())
        headers.append(candidate)
    return headers


class _Renderer:
    def __init__(self, workbook, formats: FormatCache, table_names: set[str]) -> None:
        self.workbook = workbook
        self.formats = formats
        self.table_names = table_names

    def render(self, spec: TabSpec):
        ws = self.workbook.add_worksheet(spec.name)
        style_map = StyleMap(spec)
        values = cell_values(spec)
        formats = self.formats

        def fmt_at(key: tuple[int, int], value: Any = None):
            names = style_map.names_at(*key)
            is_date = _is_date(value)
            if names is None and not is_date:
                return None
            return formats.for_names(names or (), is_date)

        for col, width in spec.column_widths.items():
            ws.set_column(col, col, width)

        widths: dict[tuple[int, int], float] = {}  # merged cells wrap over their whole width
        for area in spec.merges:
            widths[(area.first_row, area.first_col)] = sum(
                spec.column_widths.get(c, DEFAULT_WIDTH)
                for c in range(area.first_col, area.last_col + 1))
            if area.first_row == area.last_row and area.first_col == area.last_col:
                continue
            key = (area.first_row, area.first_col)
            ws.merge_range(area.first_row, area.first_col, area.last_row, area.last_col, "",
                           fmt_at(key, values.get(key)))

        # Styled cells, run by run down each column; then the values no style covers.
        heights: dict[int, float] = {}
        fixed = spec.row_heights
        missing = _MISSING
        for col, runs in style_map.runs.items():
            col_width = spec.column_widths.get(col, DEFAULT_WIDTH)
            for first, last, names in runs:
                fmt = formats.for_names(names)
                wraps = formats.style(names).wrap
                for row in range(first, last + 1):
                    value = values.pop((row, col), missing)
                    if value is missing or value is None:
                        if fmt is not None:
                            ws.write_blank(row, col, None, fmt)
                        continue
                    if isinstance(value, str):
                        ws.write_string(row, col, value, fmt)
                        if wraps and row not in fixed:
                            height = text_height(value, widths.get((row, col), col_width),
                                                 formats.style(names))
                            if height and height > heights.get(row, 0.0):
                                heights[row] = height
                    elif _is_date(value):
                        ws.write_datetime(row, col, value, formats.for_names(names, True))
                    else:
                        _write_value(ws, row, col, value, fmt)
        date_fmt = None
        for (row, col), value in values.items():
            if _is_date(value):
                date_fmt = date_fmt or formats.for_names((), True)
                ws.write_datetime(row, col, value, date_fmt)
            else:
                _write_value(ws, row, col, value, None)
        heights.update(fixed)
        outlined = outline_rows(spec)
        for row, height in heights.items():
            if row not in outlined:
                ws.set_row(row, height)
        for row, options in outlined.items():
            ws.set_row(row, heights.get(row), None, options)
        if spec.outline is not None:
            ws.outline_settings(True, False, True, False)  # +/− buttons above the detail
        if spec.page_breaks:
            ws.set_h_pagebreaks(sorted(spec.page_breaks))

        for link in spec.links:
            target = f"internal:{quote_sheet(link.sheet)}!{link.cell}"
            ws.write_url(link.row, link.col, target, fmt_at((link.row, link.col)),
                         string=link.text)

        for cond in spec.conditional_formats:
            formula = cond.formula if cond.formula.startswith("=") else "=" + cond.formula
            ws.conditional_format(cond.area.a1, {"type": "formula", "criteria": formula,
                                                 "format": formats.conditional(cond.style)})

        for table in spec.tables:
            self._table(ws, spec, table, fmt_at)

        for chart in spec.charts:
            self._chart(ws, spec, chart)

        if spec.freeze is not None:
            ws.freeze_panes(*spec.freeze)
        print_setup(ws, spec)
        if spec.tab_color:
            ws.set_tab_color("#" + spec.tab_color)
        if spec.hidden:
            ws.hide()
        if spec.selected is not None:
            row, col = spec.selected
            ws.set_selection(row, col, row, col)
        return ws

    def _table(self, ws, spec: TabSpec, table: Table, fmt_at) -> None:
        area = table.area
        last_row = max(area.last_row, area.first_row + 1)  # Excel wants one data row at least
        headers = _table_headers(spec, area)
        columns = [{"header": text,
                    "header_format": fmt_at((area.first_row, col))}
                   for text, col in zip(headers, range(area.first_col, area.last_col + 1))]
        ws.add_table(area.first_row, area.first_col, last_row, area.last_col,
                     {"name": _table_name(table.name, self.table_names), "style": table.style,
                      "columns": columns, "autofilter": True})

    def _chart(self, ws, spec: TabSpec, chart: Chart) -> None:
        kind = _CHART_TYPES[chart.kind]
        xl_chart = self.workbook.add_chart({"type": kind})
        round_chart = kind in ("pie", "doughnut")
        for series in chart.series:
            cats, vals = series.categories, series.values
            options: dict[str, Any] = {
                "name": series.name,
                "categories": [spec.name, cats.first_row, cats.first_col, cats.last_row,
                               cats.last_col],
                "values": [spec.name, vals.first_row, vals.first_col, vals.last_row,
                           vals.last_col],
            }
            if round_chart:
                options["data_labels"] = {"percentage": True, "position": "best_fit"
                                          if kind == "pie" else "center"}
                count = ((cats.last_row - cats.first_row + 1)
                         * (cats.last_col - cats.first_col + 1))
                colors = series.point_colors or ROUND_PALETTE
                options["points"] = [{"fill": {"color": "#" + colors[i % len(colors)]}}
                                     for i in range(count)]
            elif series.point_colors:
                options["points"] = [{"fill": {"color": "#" + c}} for c in series.point_colors]
            elif series.color:
                options["fill"] = {"color": "#" + series.color}
                options["border"] = {"color": "#" + series.color}
            xl_chart.add_series(options)
        xl_chart.set_title({"name": chart.title, "name_font": {"size": 12, "bold": True}})
        xl_chart.set_size({"width": chart.width_px, "height": chart.height_px})
        if round_chart:
            xl_chart.set_legend({"position": "right"})
        else:
            value_axis: dict[str, Any] = {"major_gridlines": {"visible": True, "line": {
                "color": "#D9D9D9"}}}
            if chart.number_format:
                value_axis["num_format"] = chart.number_format
            category_axis: dict[str, Any] = {}
            if kind == "bar":  # XlsxWriter's x axis is the value axis of a bar chart
                category_axis["reverse"] = True  # first category on top, as in the table
                xl_chart.set_x_axis(value_axis)
                xl_chart.set_y_axis(category_axis)
            else:
                xl_chart.set_y_axis(value_axis)
                xl_chart.set_x_axis(category_axis)
            if len(chart.series) > 1:
                xl_chart.set_legend({"position": "bottom"})
            else:
                xl_chart.set_legend({"none": True})
        ws.insert_chart(chart.anchor[0], chart.anchor[1], xl_chart,
                        {"object_position": 1})

def outline_rows(spec: TabSpec) -> dict[int, dict[str, Any]]:
    """XlsxWriter's row options for the tab's outline: each detail row's level, folded when
    deeper than the levels shown, and the row above a folded run marked collapsed."""
    outline = spec.outline
    if outline is None:
        return {}
    options: dict[int, dict[str, Any]] = {}
    for row, level in outline.levels.items():
        options[row] = {"level": min(level, 7)}
        if level > outline.shown:
            options[row]["hidden"] = True
    for first, _ in outline.runs(outline.shown + 1):
        above = options.setdefault(first - 1, {})
        above["collapsed"] = True
    return options


def print_setup(ws, spec: TabSpec) -> None:
    """The tab's page set-up: A4 (French offices), orientation, one page wide, titles, header."""
    setup = spec.print_setup
    ws.set_paper(9)
    if setup.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if setup.one_page:
        ws.fit_to_pages(1, 1)
    elif setup.fit_width:
        ws.fit_to_pages(1, 0)
    if setup.repeat_rows is not None:
        ws.repeat_rows(*setup.repeat_rows)
    if setup.header:
        ws.set_header(setup.header)
    if setup.footer:
        ws.set_footer(setup.footer)


def new_workbook(path: str | Path, *, created: dt.datetime | None = None,
                 properties: Mapping[str, Any] | None = None):
    """An XlsxWriter Workbook with motxl's options (text stays text) and document properties."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), dict(WORKBOOK_OPTIONS))
    props = {"created": created or dt.datetime.now().replace(microsecond=0)}
    props.update(properties or {})
    workbook.set_properties(props)
    return workbook


def render_tabs(workbook, tabs: Sequence[TabSpec], formats: FormatCache | None = None) -> list:
    """Add one worksheet per TabSpec to an open XlsxWriter workbook; the first is active."""
    formats = formats or FormatCache(workbook)
    renderer = _Renderer(workbook, formats, set())
    sheets = [renderer.render(spec) for spec in tabs]
    if sheets:
        sheets[0].activate()
    return sheets


def render_workbook(path: str | Path, tabs: Sequence[TabSpec], *,
                    created: dt.datetime | None = None,
                    properties: Mapping[str, Any] | None = None) -> Path:
    """Write ``tabs`` into a new .xlsx at ``path`` (replaced if it exists) and return the path.

    ``created`` is the document's creation date (now when None); ``properties`` are extra
    XlsxWriter document properties (title, author, subject...).
    """
    path = Path(path)
    workbook = new_workbook(path, created=created, properties=properties)
    try:
        render_tabs(workbook, tabs)
    except BaseException:
        with contextlib.suppress(Exception):
            workbook.close()
        path.unlink(missing_ok=True)
        raise
    workbook.close()
    return path
