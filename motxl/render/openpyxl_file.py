"""Render a TabSpec into a worksheet of a workbook loaded with openpyxl (``motxl refresh``).

Follows the contract of ``motxl.core.tabs.spec``, in its order: block values (strings always as
text), style ranges (later ranges override earlier ones property by property), then widths,
heights, merges, links, conditional formats, tables, charts, panes, print set-up, tab colour and
selection.

Speed: each cell gets the tuple of style names that cover it (work proportional to the ranges'
areas), each distinct tuple is merged once into a Style and turned into openpyxl objects once;
the first cell of a tuple is styled through openpyxl's API and the others copy its style array.
Everything is O(cells + styled area); 10,000 rows render in a couple of seconds.

``clear_worksheet`` empties a sheet motxl owns while keeping the sheet object, so its position,
its code name (VBA ``Feuil3``…) and any buttons (legacy VML drawing) survive.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from copy import copy
from dataclasses import fields
from typing import Any, Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, DoughnutChart, PieChart, Reference
from openpyxl.chart.data_source import AxDataSource, NumDataSource, NumRef, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import Series as ChartSeries, SeriesLabel
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.header_footer import HeaderFooter, HeaderFooterItem
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from motxl.core.tabs.spec import (CONDITIONAL_STYLES, DATE, STYLES, Chart, Style, TabSpec)

__all__ = ["render_tab", "clear_worksheet", "excel_color", "link_location", "merge_styles"]

#: Excel's limit on the characters of one cell.
MAX_CELL_TEXT = 32_767
_STYLE_FIELDS = tuple(f.name for f in fields(Style))
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_NO_BORDER = Border()
_PX_TO_CM = 2.54 / 96
_TABLE_NAME_BAD = re.compile(r"[^0-9A-Za-z_.\\]")
_CELL_LIKE = re.compile(r"^(?:[A-Za-z]{1,3}\d+|[RrCc]\d*|[Rr]\d+[Cc]\d+)$")


def excel_color(color: str) -> str:
    """'RRGGBB' → 'FFRRGGBB' (openpyxl and Excel want the alpha byte)."""
    color = color.lstrip("#").upper()
    return "FF" + color if len(color) == 6 else color


def link_location(sheet: str, cell: str) -> str:
    """The ``location`` of an internal hyperlink: ``'Sheet'!A1``.

    Written as the ``location`` attribute with no relationship, as Excel itself writes links
    into the same workbook; LibreOffice imports it as ``#Sheet.A1``.
    """
    return f"{quote_sheetname(sheet) if not sheet.startswith(chr(39)) else sheet}!{cell}"


def merge_styles(names: Iterable[str], palette: dict[str, Style] = STYLES) -> Style:
    """The look of a cell covered by the named styles in order: later ones win, per property."""
    merged: dict[str, Any] = {}
    for name in names:
        try:
            style = palette[name]
        except KeyError:
            raise ValueError(f"unknown style {name!r} in a TabSpec") from None
        for key in _STYLE_FIELDS:
            value = getattr(style, key)
            if value is not None:
                merged[key] = value
    return Style(**merged)


# --------------------------------------------------------------------------- clearing


def clear_worksheet(ws) -> None:
    """Empty a worksheet completely but keep the object (position, code name, buttons).

    Drops cells (values, styles, comments, hyperlinks), merges, conditional formats, tables,
    charts, images, data validations, auto-filter, print titles and area, page breaks, panes,
    column widths and row heights, header/footer; keeps the sheet properties (code name), the
    legacy VML drawing (form buttons), margins, protection, visibility and the sheet's own
    defined names (print titles and area excepted).
    """
    keep = {
        "sheet_properties": ws.sheet_properties,
        "legacy_drawing": ws.legacy_drawing,
        "sheet_state": ws.sheet_state,
        "page_margins": ws.page_margins,
        "protection": ws.protection,
        "defined_names": ws.defined_names,
    }
    if keep["legacy_drawing"] is not None and not _has_form_controls(ws, keep["legacy_drawing"]):
        keep["legacy_drawing"] = None  # comment shapes only: the comments go with the cells
    selected = ws.sheet_view.tabSelected  # Excel groups sheets if this disagrees with activeTab
    ws._setup()  # openpyxl's own constructor of an empty sheet's parts
    for name, value in keep.items():
        setattr(ws, name, value)
    ws.sheet_view.tabSelected = selected
    ws.HeaderFooter = HeaderFooter()
    ws.sheet_properties.tabColor = None
    ws.sheet_properties.pageSetUpPr = None
    ws.sheet_properties.filterMode = None


def _has_form_controls(ws, vml_part: str) -> bool:
    """Whether the sheet's legacy VML drawing holds buttons or other controls, not just notes."""
    archive = getattr(ws.parent, "vba_archive", None)
    if archive is None:
        return False
    try:
        data = archive.read(vml_part)
    except KeyError:
        return False
    kinds = set(re.findall(rb"ObjectType\s*=\s*\"([^\"]+)\"", data))
    return bool(kinds - {b"Note"})


# --------------------------------------------------------------------------- rendering


def render_tab(ws, spec: TabSpec) -> None:
    """Draw ``spec`` into ``ws`` (an empty worksheet: see ``clear_worksheet``)."""
    _write_values(ws, spec)
    _apply_styles(ws, spec)
    for col, width in spec.column_widths.items():
        ws.column_dimensions[get_column_letter(col + 1)].width = width
    for row, height in spec.row_heights.items():
        ws.row_dimensions[row + 1].height = height
    for area in spec.merges:
        if area.first_row != area.last_row or area.first_col != area.last_col:
            ws.merge_cells(start_row=area.first_row + 1, start_column=area.first_col + 1,
                           end_row=area.last_row + 1, end_column=area.last_col + 1)
    for link in spec.links:
        cell = _cell(ws, link.row + 1, link.col + 1)
        _set_value(cell, link.text)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=link_location(link.sheet,
                                                                               link.cell),
                                   display=_clean_text(link.text))
    _conditional_formats(ws, spec)
    for table in spec.tables:
        _add_table(ws, table)
    for chart in spec.charts:
        _add_chart(ws, chart)
    if spec.freeze and spec.freeze != (0, 0):
        ws.freeze_panes = _coordinate(*spec.freeze)
    _print_setup(ws, spec)
    if spec.tab_color:
        ws.sheet_properties.tabColor = excel_color(spec.tab_color)
    if spec.selected is not None:
        coordinate = _coordinate(*spec.selected)
        for selection in ws.sheet_view.selection:
            selection.activeCell = coordinate
            selection.sqref = coordinate


def _coordinate(row: int, col: int) -> str:
    """0-based (row, col) → 'A1'."""
    return f"{get_column_letter(col + 1)}{row + 1}"


def _clean_text(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[:MAX_CELL_TEXT - 1] + "…"
    return text


def _plain(value: Any) -> Any:
    """A value openpyxl writes safely: str, bool, int, finite float, date/datetime or None."""
    if value is None or isinstance(value, (str, bool, int, dt.date)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    item = getattr(value, "item", None)  # numpy / pandas scalars
    if callable(item):
        return _plain(item())
    return str(value)


def _set_value(cell, value: Any) -> None:
    value = _plain(value)
    if value == "":
        cell.value = None  # an empty string is an empty cell (no blank inline string)
    elif isinstance(value, str):
        cell.value = _clean_text(value)
        cell.data_type = "s"  # never a formula, whatever the first character
    elif isinstance(value, dt.datetime) and value.tzinfo is not None:
        cell.value = value.replace(tzinfo=None)
    else:
        cell.value = value


def _cell(ws, row: int, col: int):
    """The cell at 1-based (row, col), created if needed (openpyxl's ``ws.cell`` minus checks)."""
    cell = ws._cells.get((row, col))
    if cell is None:
        cell = ws._cells[(row, col)] = Cell(ws, row=row, column=col)
    return cell


def _write_values(ws, spec: TabSpec) -> None:
    cells = ws._cells
    for block in spec.blocks:
        for r, values in enumerate(block.values, start=block.row + 1):
            for c, value in enumerate(values, start=block.col + 1):
                if value is None:
                    existing = cells.get((r, c))
                    if existing is not None:  # a later block overwrites with an empty cell
                        existing.value = None
                    continue
                _set_value(_cell(ws, r, c), value)


def _apply_styles(ws, spec: TabSpec) -> None:
    covered: dict[tuple[int, int], tuple[str, ...]] = {}
    get = covered.get
    for style_range in spec.styles:
        area, name = style_range.area, (style_range.style,)
        columns = range(area.first_col + 1, area.last_col + 2)
        for r in range(area.first_row + 1, area.last_row + 2):
            for c in columns:
                covered[(r, c)] = get((r, c), ()) + name
    # Dates need a date format even where no style covers them.
    for key, cell in ws._cells.items():
        if key not in covered and cell.is_date:
            covered[key] = ()
    templates: dict[tuple, Any] = {}
    looks: dict[tuple[str, ...], Style] = {}
    for (r, c), names in covered.items():
        cell = _cell(ws, r, c)
        key = (names, cell.data_type == "d")
        template = templates.get(key)
        if template is not None:
            cell._style = copy(template)
            continue
        look = looks.get(names)
        if look is None:
            look = looks[names] = merge_styles(names)
        _style_cell(ws, cell, look)
        templates[key] = copy(cell._style)


def _style_cell(ws, cell, look: Style) -> None:
    base = ws.parent._fonts[0] if ws.parent._fonts else Font()
    if any(v is not None for v in (look.bold, look.italic, look.size, look.color,
                                   look.underline)):
        cell.font = Font(name=base.name, family=base.family, scheme=base.scheme,
                         sz=look.size if look.size is not None else base.sz,
                         b=bool(look.bold), i=bool(look.italic),
                         u="single" if look.underline else None,
                         color=excel_color(look.color) if look.color else base.color)
    if look.fill:
        cell.fill = PatternFill(fill_type="solid", fgColor=excel_color(look.fill),
                                bgColor=excel_color(look.fill))
    if any(v is not None for v in (look.align, look.valign, look.wrap, look.indent)):
        cell.alignment = Alignment(horizontal=look.align, vertical=look.valign,
                                   wrap_text=look.wrap or None, indent=look.indent or 0)
    if look.border is not None:
        cell.border = _BORDER if look.border else _NO_BORDER
    if look.num_format:
        cell.number_format = look.num_format
    elif cell.is_date:
        cell.number_format = DATE


def _conditional_formats(ws, spec: TabSpec) -> None:
    dxfs: dict[str, DifferentialStyle] = {}
    for cf in spec.conditional_formats:
        dxf = dxfs.get(cf.style)
        if dxf is None:
            look = CONDITIONAL_STYLES[cf.style]
            dxf = dxfs[cf.style] = DifferentialStyle(
                font=Font(color=excel_color(look.color), b=look.bold or None)
                if look.color or look.bold else None,
                fill=PatternFill(fill_type="solid", fgColor=excel_color(look.fill),
                                 bgColor=excel_color(look.fill)) if look.fill else None)
        formula = cf.formula[1:] if cf.formula.startswith("=") else cf.formula
        ws.conditional_formatting.add(cf.area.a1, Rule(type="expression", dxf=dxf,
                                                       formula=[formula]))


def _table_name(ws, wanted: str) -> str:
    """A valid table name, unique in the workbook (tables and defined names)."""
    name = _TABLE_NAME_BAD.sub("_", wanted) or "Tableau"
    if not (name[0].isalpha() or name[0] in "_\\") or _CELL_LIKE.match(name):
        name = "T_" + name
    name = name[:250]
    workbook = ws.parent
    taken = {n.casefold() for n in workbook.defined_names}
    for sheet in workbook.worksheets:
        taken.update(t.casefold() for t in getattr(sheet, "tables", {}))
        taken.update(n.casefold() for n in sheet.defined_names)
    candidate, counter = name, 2
    while candidate.casefold() in taken:
        candidate, counter = f"{name}_{counter}", counter + 1
    return candidate


def _add_table(ws, spec_table) -> None:
    area = spec_table.area
    name = _table_name(ws, spec_table.name)
    table = Table(displayName=name, name=name, ref=area.a1,
                  tableStyleInfo=TableStyleInfo(name=spec_table.style, showRowStripes=True,
                                                showColumnStripes=False,
                                                showFirstColumn=False, showLastColumn=False))
    # Column names must be the header cells' text, non-empty and unique (else Excel repairs).
    seen: set[str] = set()
    for index, col in enumerate(range(area.first_col + 1, area.last_col + 2), start=1):
        cell = ws.cell(area.first_row + 1, col)
        text = "" if cell.value is None else str(cell.value).strip()
        base = text or f"Colonne{index}"
        unique, counter = base, 2
        while unique.casefold() in seen:
            unique, counter = f"{base}{counter}", counter + 1
        seen.add(unique.casefold())
        if unique != cell.value:
            _set_value(cell, unique)
        table.tableColumns.append(TableColumn(id=index, name=unique))
    table.autoFilter = AutoFilter(ref=area.a1)
    ws.add_table(table)


def _reference(ws, area) -> Reference:
    return Reference(ws, min_col=area.first_col + 1, min_row=area.first_row + 1,
                     max_col=area.last_col + 1, max_row=area.last_row + 1)


def _add_chart(ws, spec_chart: Chart) -> None:
    if spec_chart.kind in ("column", "bar"):
        chart = BarChart()
        chart.type = "col" if spec_chart.kind == "column" else "bar"
        chart.grouping = "clustered"
        chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told
        chart.y_axis.delete = False
        if spec_chart.number_format:
            chart.y_axis.number_format = spec_chart.number_format
        if len(spec_chart.series) < 2:
            chart.legend = None
        else:
            chart.legend.position = "b"
    else:
        chart = DoughnutChart() if spec_chart.kind == "doughnut" else PieChart()
        chart.varyColors = True
        if spec_chart.kind == "doughnut":
            chart.holeSize = 50
        chart.legend.position = "r"
        labels = DataLabelList()
        labels.showPercent = True
        labels.showVal = False
        labels.showCatName = False
        labels.showSerName = False
        labels.showLeaderLines = False
        chart.dataLabels = labels
    for index, series in enumerate(spec_chart.series):
        values = _reference(ws, series.values)
        item = ChartSeries(idx=index, order=index,
                           val=NumDataSource(numRef=NumRef(f=str(values))))
        item.tx = SeriesLabel(v=series.name)
        item.cat = AxDataSource(strRef=StrRef(f=str(_reference(ws, series.categories))))
        if series.color and spec_chart.kind in ("column", "bar"):
            item.graphicalProperties.solidFill = series.color.upper()
            item.graphicalProperties.line.solidFill = series.color.upper()
        chart.series.append(item)
    chart.title = spec_chart.title
    chart.width = spec_chart.width_px * _PX_TO_CM
    chart.height = spec_chart.height_px * _PX_TO_CM
    row, col = spec_chart.anchor
    ws.add_chart(chart, f"{get_column_letter(col + 1)}{row + 1}")


def _print_setup(ws, spec: TabSpec) -> None:
    setup = spec.print_setup
    ws.page_setup.orientation = "landscape" if setup.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if setup.fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    if setup.repeat_rows is not None:
        first, last = setup.repeat_rows
        ws.print_title_rows = f"{first + 1}:{last + 1}"
    if setup.header:
        ws.HeaderFooter.oddHeader = _header_footer(setup.header)
    if setup.footer:
        ws.HeaderFooter.oddFooter = _header_footer(setup.footer)


class _RawHeaderFooter(HeaderFooterItem):
    """A header or footer written exactly as the spec gives it (openpyxl's own parse-and-repack
    would insert a space after every font size, ``&8Text`` → ``&8 Text``)."""

    def __init__(self, text: str):
        super().__init__()
        self.__dict__["_raw"] = text

    def __str__(self) -> str:
        return self.__dict__["_raw"]

    def __bool__(self) -> bool:
        return bool(self.__dict__["_raw"])


def _header_footer(text: str) -> HeaderFooterItem:
    return _RawHeaderFooter(_clean_text(text))
