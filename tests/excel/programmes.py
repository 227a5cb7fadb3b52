"""Programmes for the Excel face's tests: the committed workbook's and a 10,000-action one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from motxl.build.workbook import (FIGURES_NAME, SEED_NAME, programme_rows,
                                  read_example_figures)
from motxl.core.grid import Grid
from motxl.core.parse import parse_programme
from motxl.presentation.spec import TabSpec

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "workbook" / "source"
WORKBOOK = ROOT / "workbook" / "Programme2023.xlsm"
FIXED_NOW = dt.datetime(2023, 6, 15, 10, 30)
BOOK_FULLNAME = r"C:\Users\mot\Documents\Programme2023.xlsm"
BOOK_NAME = "Programme2023.xlsm"


def workbook_rows(path: Path = WORKBOOK, sheet: str = "Programme") -> list[list[Any]]:
    """The values of a sheet of a workbook file, row 1 first (openpyxl, as stored)."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(row) for row in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()


def seed_programme_rows() -> list[list[Any]]:
    """The build's Programme rows: the seed and the example figures (row 1 first)."""
    return programme_rows((SOURCE / SEED_NAME).read_text(encoding="utf-8"),
                          read_example_figures(SOURCE / FIGURES_NAME))


def big_programme_rows(actions: int = 10_000) -> list[list[Any]]:
    """The seed's headings with ``actions`` actions: each seed action repeated (numbered lots)."""
    rows = seed_programme_rows()
    programme = parse_programme(Grid("Programme", rows))
    action_rows = [a.row for a in programme.actions]
    base, extra = divmod(actions, len(action_rows))
    copies = {row: base + (1 if i < extra else 0) for i, row in enumerate(action_rows)}
    out: list[list[Any]] = []
    for index, row in enumerate(rows):
        number = index + 1
        if number not in copies:
            out.append(list(row))
            continue
        for k in range(copies[number]):
            copy = list(row)
            if k:
                copy[1] = f"{row[1]} — lot {k + 1}"
            out.append(copy)
    return out


def normalize(value: Any) -> Any:
    """Values as Excel holds them: numbers as floats, dates as datetimes."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value


def spec_cells(spec: TabSpec) -> dict[tuple[int, int], Any]:
    """(row, col) 1-based → the value a renderer shows, links included; empties dropped."""
    cells: dict[tuple[int, int], Any] = {}
    for block in spec.blocks:
        for r, values in enumerate(block.values):
            for c, value in enumerate(values):
                cells[(block.row + r + 1, block.col + c + 1)] = normalize(value)
    for link in spec.links:
        cells[(link.row + 1, link.col + 1)] = link.text
    return {k: v for k, v in cells.items() if v is not None and v != ""}


def sheet_cells(cells: dict[tuple[int, int], Any]) -> dict[tuple[int, int], Any]:
    return {k: normalize(v) for k, v in cells.items() if v is not None and v != ""}


def workbook_names(path: Path = WORKBOOK) -> dict[str, tuple[str, str]]:
    """The workbook's defined names (name → (sheet, cell)), read with openpyxl."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=False, keep_vba=False)
    names = {}
    for name, defined in book.defined_names.items():
        for sheet, cell in defined.destinations:
            names[name] = (sheet, cell.replace("$", ""))
    return names
