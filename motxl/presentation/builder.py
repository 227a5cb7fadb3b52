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
