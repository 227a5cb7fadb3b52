"""A rectangular block of cell values, as read in one go from a file or a live sheet."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Any, Iterator

#: Excel's error values, as Excel displays them.
ERROR_CODES = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
     "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!",
     "#UNKNOWN!", "#EXTERNAL!", "#PYTHON!"}
)


class CellError(str):
    """An Excel error value (``#REF!``...) read from a cell, kept apart from plain text."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"CellError({str(self)!r})"


class Uncomputed(CellError):
    """A formula cell saved without its result (a file written by a program, never opened in
    Excel): the figure is unknown. Holds the formula's text; a ``CellError`` so that every
    reader of values skips it like an error."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Uncomputed({str(self)!r})"


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 1, AA → 27."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index


class Grid:
    """Cell values of one sheet; ``rows[0][0]`` is the cell at (first_row, first_col), 1-based.

    Empty cells are ``None``; Excel errors are ``CellError``. ``has_errors`` says whether any
    cell is a ``CellError``, when the reader knows (None: the parser looks at every row).
    """

    __slots__ = ("sheet", "rows", "first_row", "first_col", "source", "has_errors")

    def __init__(self, sheet: str, rows: list[list[Any]], first_row: int = 1, first_col: int = 1,
                 source: str = "", has_errors: bool | None = None) -> None:
        self.sheet = sheet
        self.rows = rows
        self.first_row = first_row
        self.first_col = first_col
        self.source = source
        self.has_errors = has_errors

    def __repr__(self) -> str:
        return (f"Grid(sheet={self.sheet!r}, rows={len(self.rows)}, first_row={self.first_row}, "
                f"first_col={self.first_col}, source={self.source!r})")

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def value(self, row: int, col: int) -> Any:
        """The value at a 1-based sheet position, ``None`` outside the block."""
        r, c = row - self.first_row, col - self.first_col
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None


def normalize_value(value: Any, *, errors_as_text: bool = False) -> Any:
    """Readers' empties ('' or None) become None.

    With ``errors_as_text`` (xlwings' ``err_to_str``), a string equal to an Excel error value
    becomes a ``CellError``; file readers mark errors themselves and leave text alone.
    """
    if value is None or value == "":
        return None
    if errors_as_text and isinstance(value, str) and value in ERROR_CODES:
        return CellError(value)
    return value


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a sheet is read, parsed or checked: those build
    millions of objects without cycles, and the collector's passes over them took a third of
    the time at 100,000 actions. Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
