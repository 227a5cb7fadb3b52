"""TabSpec: everything a rendered tab shows, as plain data, so every adapter draws the same tab.

Coordinates are 0-based (row, col) within the tab. A renderer writes the blocks' values in
whole blocks, then applies the style ranges in order (later ranges override earlier ones
property by property), then the rest (widths, merges, links, conditional formats, tables,
charts, print set-up). Values are str (always written as text, never as a formula), int, float,
datetime.date, bool or None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from motxl.core.grid import column_letter
from motxl.presentation.palette import TONE_NAMES


@dataclass(frozen=True)
class Style:
    """A named cell look. None means "leave as is"; colours are 'RRGGBB'."""

    bold: bool | None = None
    italic: bool | None = None
    size: float | None = None
    color: str | None = None
    fill: str | None = None
    num_format: str | None = None
    align: Literal["left", "center", "right"] | None = None
    valign: Literal["top", "center", "bottom"] | None = None
    wrap: bool | None = None
    border: bool | None = None  # thin border all round
    indent: int | None = None
    underline: bool | None = None


#: Number formats: ``,`` and ``.`` are the reader's own separators, so a French Excel (and
#: LibreOffice started in French, see faces/reports/pdf.py) shows ``199 200 €``, ``277,0``.
#: The spaces before € and % are no-break spaces: a figure never wraps away from its unit.
EURO = '#,##0"\u00a0€";-#,##0"\u00a0€";"-"'
DAYS = '#,##0.0;-#,##0.0;"-"'
PERCENT = '0"\u00a0"%'
DATE = "dd/mm/yyyy"
NAVY, BLUE, LIGHT, GREY = "1F3864", "2F5597", "DDEBF7", "F2F2F2"

#: The shared palette of styles; tabs refer to them by name.
STYLES: dict[str, Style] = {
    "title": Style(bold=True, size=16, color=NAVY),
    "subtitle": Style(italic=True, color="595959"),
    "section": Style(bold=True, size=12, color=NAVY),
    "header": Style(bold=True, color="FFFFFF", fill=BLUE, align="center", valign="center",
                    wrap=True, border=True),
    "cell": Style(border=True, valign="top"),
    "text": Style(wrap=True),
    "axis": Style(bold=True, fill=LIGHT),
    "objective": Style(indent=1),
    "sub_objective": Style(indent=2, italic=True),
    "total": Style(bold=True, fill=GREY),
    "euro": Style(num_format=EURO),
    "days": Style(num_format=DAYS),
    "percent": Style(num_format=PERCENT),
    "date": Style(num_format=DATE, align="center"),
    "datetime": Style(num_format="dd/mm/yyyy hh:mm", align="center"),
    "integer": Style(num_format="0", align="center"),
    "center": Style(align="center"),
    "link": Style(color="0563C1", underline=True),
    "error": Style(bold=True, color="9C0006"),
    "warning": Style(color="9C5700"),
    "info": Style(color="595959"),
    "note": Style(italic=True, color="7F7F7F", wrap=True),
}

#: Traffic-light looks for conditional formats: the palette's tones (motxl.presentation.palette).
CONDITIONAL_STYLES: dict[str, Style] = {
    name: Style(fill=tone.fill, color=tone.text) for name, tone in TONE_NAMES.items()}


@dataclass
class Block:
    """Values written in one go, top-left at (row, col)."""

    row: int
    col: int
    values: list[list[Any]]

    @property
    def height(self) -> int:
        return len(self.values)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.values), default=0)


@dataclass(frozen=True)
class Area:
    """A rectangle of cells, inclusive, 0-based."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int

    @property
    def a1(self) -> str:
        start = f"{column_letter(self.first_col + 1)}{self.first_row + 1}"
        end = f"{column_letter(self.last_col + 1)}{self.last_row + 1}"
        return start if start == end else f"{start}:{end}"


@dataclass(frozen=True)
class StyleRange:
    area: Area
    style: str  # a key of STYLES


#: Hyperlinks Excel keeps on one worksheet (its documented limit is 65,530): a tab with more
#: rows links the first ones only, the others show the same text without a link.
MAX_LINKS = 65_530


@dataclass(frozen=True)
class Link:
    """An internal hyperlink: the cell shows ``text`` and jumps to ``sheet``!``cell``."""

    row: int
    col: int
    text: str
    sheet: str
    cell: str


@dataclass(frozen=True)
class ConditionalFormat:
    """Colour the cells of ``area`` where ``formula`` (Excel syntax, relative to the area's
    top-left cell, English function names) is true."""

    area: Area
    formula: str
    style: str  # a key of CONDITIONAL_STYLES


@dataclass(frozen=True)
class Table:
    """An Excel table (ListObject) with filter buttons over ``area`` (header row included)."""

    area: Area
    name: str
    style: str = "TableStyleLight9"


@dataclass(frozen=True)
class Series:
    name: str
    categories: Area  # on this tab
    values: Area
    color: str | None = None
    point_colors: tuple[str, ...] = ()  # one per category (pie, doughnut): e.g. status colours


@dataclass(frozen=True)
class Chart:
    kind: Literal["column", "bar", "pie", "doughnut"]
    title: str
    series: tuple[Series, ...]
    anchor: tuple[int, int]  # (row, col) of the top-left cell
    width_px: int = 480
    height_px: int = 288
    number_format: str | None = None


@dataclass(frozen=True)
class PrintSetup:
    landscape: bool = True
    fit_width: bool = True  # fit to one page wide, any number of pages tall
    one_page: bool = False  # fit to one page (a report's cover)
    repeat_rows: tuple[int, int] | None = None  # (first, last) rows repeated on each page
    header: str = ""  # Excel header text, see page_header()
    footer: str = "&CPage &P / &N"


@dataclass(frozen=True)
class Outline:
    """Excel row grouping (the +/− buttons): ``levels`` maps a detail row to its depth (1 = the
    rows under a top-level row); rows deeper than ``shown`` start folded. Summary rows stand
    above their detail rows."""

    levels: dict[int, int]
    shown: int = 1

    def runs(self, depth: int) -> list[tuple[int, int]]:
        """(first, last) row runs at ``depth`` or deeper, in order: one Excel group each."""
        runs: list[tuple[int, int]] = []
        for row in sorted(r for r, level in self.levels.items() if level >= depth):
            if runs and runs[-1][1] == row - 1:
                runs[-1] = (runs[-1][0], row)
            else:
                runs.append((row, row))
        return runs

    @property
    def depth(self) -> int:
        return max(self.levels.values(), default=0)


ORGANISATION = "Mission Opérationnelle Transfrontalière"


def situation_label(year: int | None, situation: dt.date | None = None) -> str:
    """What a printed page says it shows: the situation date, else the programme's year.

    Never the print date: two printouts of the same figures must look the same.
    """
    if situation is not None:
        return f"Situation au {situation:%d/%m/%Y}"
    return f"Programme {year}" if year else "Programme de travail"


def page_header(label: str) -> str:
    """Excel header text: the organisation on the left, ``label`` on the right."""
    return f"&L&8{ORGANISATION}&R&8{label.replace('&', '&&')}"


@dataclass
class TabSpec:
    name: str
    blocks: list[Block] = field(default_factory=list)
    styles: list[StyleRange] = field(default_factory=list)
    column_widths: dict[int, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    merges: list[Area] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    conditional_formats: list[ConditionalFormat] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    freeze: tuple[int, int] | None = None  # first unfrozen (row, col)
    print_setup: PrintSetup = field(default_factory=PrintSetup)
    tab_color: str | None = None
    selected: tuple[int, int] | None = None  # cell to select after rendering
    outline: Outline | None = None
    page_breaks: list[int] = field(default_factory=list)  # rows that start a printed page
    hidden: bool = False  # kept in the file, not shown nor printed (a report's compact form)

    def used_area(self) -> Area | None:
        if not self.blocks:
            return None
        return Area(min(b.row for b in self.blocks), min(b.col for b in self.blocks),
                    max(b.row + b.height - 1 for b in self.blocks),
                    max(b.col + b.width - 1 for b in self.blocks))

    def value_at(self, row: int, col: int) -> Any:
        """The value a renderer writes at (row, col), for tests and adapters."""
        for link in self.links:
            if (link.row, link.col) == (row, col):
                return link.text
        for block in reversed(self.blocks):
            r, c = row - block.row, col - block.col
            if 0 <= r < block.height and 0 <= c < len(block.values[r]):
                return block.values[r][c]
        return None


def is_date(value: Any) -> bool:
    return isinstance(value, (dt.date, dt.datetime))
