"""A small helper to lay out a TabSpec row by row: tables of values with their styles."""

from __future__ import annotations

from typing import Any, Sequence

from motxl.presentation.spec import Area, Block, StyleRange, TabSpec


class TabBuilder:
    """Appends blocks downwards from row 0; remembers where each table landed."""

    def __init__(self, spec: TabSpec):
        self.spec = spec
        self.row = 0

    def line(self, values: Sequence[Any], *styles: str, col: int = 0, merge_to: int | None = None) -> int:
        """One row of values; returns its row index."""
        row = self.row
        self.spec.blocks.append(Block(row, col, [list(values)]))
        last = merge_to if merge_to is not None else col + max(len(values), 1) - 1
        for style in styles:
            self.style(Area(row, col, row, last), style)
        if merge_to is not None:
            self.spec.merges.append(Area(row, col, row, merge_to))
        self.row += 1
        return row

    def table(self, header: Sequence[str | None], rows: list[list[Any]], col: int = 0,
              header_height: float = 30) -> Area:
        """A header row (two lines high) and data rows, styled 'header' and 'cell'."""
        top = self.row
        self.spec.row_heights[top] = header_height
        width = len(header)
        self.spec.blocks.append(Block(top, col, [list(header), *rows]))
        self.style(Area(top, col, top, col + width - 1), "header")
        if rows:
            self.style(Area(top + 1, col, top + len(rows), col + width - 1), "cell")
        self.row = top + 1 + len(rows)
        return Area(top, col, top + len(rows), col + width - 1)

    def style(self, area: Area, style: str) -> None:
        self.spec.styles.append(StyleRange(area, style))

    def column_styles(self, area: Area, styles: dict[int, str]) -> None:
        """Style whole columns of a table's data rows (offsets from the area's first column)."""
        if area.last_row <= area.first_row:
            return
        for offset, style in styles.items():
            col = area.first_col + offset
            self.style(Area(area.first_row + 1, col, area.last_row, col), style)

    def skip(self, rows: int = 1) -> None:
        self.row += rows


# --------------------------------------------------------------------------------------------
# Page breaks that keep a section title with its table

#: Printable area of an A4 page in points, inside the default margins (0.7" left and right,
#: 0.75" top and bottom; header and footer sit in the margins), landscape.
PAGE_WIDTH_PT, PAGE_HEIGHT_PT = 741.0, 470.0
DEFAULT_ROW_PT = 15.0


def column_points(width_chars: float) -> float:
    """Excel's column width (characters of the default font) in points."""
    return (width_chars * 7 + 5) * 0.75


def page_breaks(spec: TabSpec, keep: list[tuple[int, int]],
                heights: dict[int, float] | None = None, force: tuple[int, ...] = ()) -> list[int]:
    """Rows before which a page starts: every page of the tab, chosen here, so that no
    ``(first, last)`` run of rows (a section title, its header and first rows) is split.

    The page is scaled to fit one page wide, as the tabs print; row heights are the spec's,
    else ``heights`` (estimates for wrapped text), else Excel's default 15 points; rows folded
    by the outline count for nothing. Every page end is a break of ours, computed for Excel's
    row height: a program that draws rows smaller (LibreOffice without Calibri) fills pages
    less but never ends one elsewhere, so a title never ends a page. ``force``: rows that
    always start a page (the section after an outline, which grows when unfolded).
    """
    area = spec.used_area()
    if area is None:
        return []
    width = sum(column_points(spec.column_widths.get(c, 8.43))
                for c in range(area.first_col, area.last_col + 1))
    scale = min(1.0, PAGE_WIDTH_PT / width) if width else 1.0
    page = PAGE_HEIGHT_PT / scale
    heights = heights or {}
    folded = set()
    if spec.outline is not None:
        folded = {r for r, level in spec.outline.levels.items() if level > spec.outline.shown}

    def height(row: int) -> float:
        if row in folded:
            return 0.0
        return spec.row_heights.get(row) or heights.get(row) or DEFAULT_ROW_PT

    repeated = 0.0
    if spec.print_setup.repeat_rows is not None:
        first, last = spec.print_setup.repeat_rows
        repeated = sum(height(r) for r in range(first, last + 1))
    starts = {first: last for first, last in keep}
    breaks: list[int] = []
    used, row, block_start = 0.0, 0, None
    while row <= area.last_row:
        if row in starts:
            block_start = row
            need = sum(height(r) for r in range(row, starts[row] + 1))
            if row in force or (used + need > page and need <= page - repeated):
                if used > repeated:
                    breaks.append(row)
                used = repeated
        elif block_start is not None and row > starts[block_start]:
            block_start = None
        if used + height(row) > page and used > repeated:  # the page is full: break here,
            at = block_start if block_start is not None and block_start in starts else row
            if not breaks or breaks[-1] != at:  # or before the title it belongs to
                breaks.append(at)
                used = repeated
                row = at
                block_start = None
                used += height(row)
                row += 1
                continue
        used += height(row)
        row += 1
    return sorted(set(breaks))
