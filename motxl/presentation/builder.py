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

    def table(self, header: Sequence[str], rows: list[list[Any]], col: int = 0,
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
                heights: dict[int, float] | None = None) -> list[int]:
    """Rows before which a page must start so that no ``(first, last)`` run of rows (a section
    title, its header and first rows) is split across two pages.

    The page is scaled to fit one page wide, as the tabs print; row heights are the spec's,
    else ``heights`` (estimates for wrapped text), else Excel's default. An estimate, kept on
    the safe side: a break a few rows early costs a little paper, a title alone costs a reader.
    """
    area = spec.used_area()
    if area is None:
        return []
    width = sum(column_points(spec.column_widths.get(c, 8.43))
                for c in range(area.first_col, area.last_col + 1))
    scale = min(1.0, PAGE_WIDTH_PT / width) if width else 1.0
    page = PAGE_HEIGHT_PT / scale
    heights = heights or {}

    def height(row: int) -> float:
        return spec.row_heights.get(row) or heights.get(row) or DEFAULT_ROW_PT

    repeated = 0.0
    if spec.print_setup.repeat_rows is not None:
        first, last = spec.print_setup.repeat_rows
        repeated = sum(height(r) for r in range(first, last + 1))
    starts = {first: last for first, last in keep}
    breaks: list[int] = []
    used = 0.0
    for row in range(0, area.last_row + 1):
        if row in starts:
            need = sum(height(r) for r in range(row, starts[row] + 1))
            if used + need > page and need <= page - repeated:
                breaks.append(row)
                used = repeated
        if used + height(row) > page:  # the page ends here by itself
            used = repeated
        used += height(row)
    return breaks
