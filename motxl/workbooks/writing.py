"""Write programme rows into an XlsxWriter worksheet, text always as text.

Used by the workbook build, the benchmarks' generator and the tests, so that every workbook
motxl reads in a test was written by the code users run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping, Sequence

from motxl.core.grid import CellError


def write_cell(worksheet, row: int, col: int, value: Any, cell_format=None) -> None:
    """Write one value at 0-based (row, col); strings are never turned into formulas or URLs."""
    if value is None:
        if cell_format is not None:
            worksheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, CellError):
        worksheet.write_formula(row, col, f"={value}" if value != "#DIV/0!" else "=1/0",
                                cell_format, str(value))
    elif isinstance(value, bool):
        worksheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, (int, float)):
        worksheet.write_number(row, col, value, cell_format)
    elif isinstance(value, (dt.date, dt.datetime)):
        worksheet.write_datetime(row, col, value, cell_format)
    else:
        worksheet.write_string(row, col, str(value), cell_format)


def write_rows(worksheet, rows: Iterable[Sequence[Any]], first_row: int = 0,
               first_col: int = 0, date_format=None) -> int:
    """Write a block of rows; returns the number of rows written."""
    count = 0
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            fmt = date_format if isinstance(value, (dt.date, dt.datetime)) else None
            write_cell(worksheet, first_row + r, first_col + c, value, fmt)
        count += 1
    return count


def save_sheets(path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> None:
    """A plain workbook with the given sheets (name → rows, row 1 first). For tests and benches."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                               "strings_to_urls": False})
    workbook.set_properties({"created": dt.datetime(2023, 1, 1)})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        write_rows(workbook.add_worksheet(name), rows, date_format=date_format)
    workbook.close()


def seed_rows(text: str) -> list[list[str | None]]:
    """The seed's tab-separated lines as rows, blank lines kept as empty rows."""
    rows: list[list[str | None]] = []
    for line in text.splitlines():
        rows.append([cell if cell.strip() else None for cell in line.split("\t")]
                    if line.strip() else [])
    return rows
