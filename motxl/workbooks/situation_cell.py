"""The workbook's situation date: the cell its defined name ``DateSituation`` points at.

The name is looked up in ``xl/workbook.xml`` (defusedxml) and the cell's value read with
python-calamine, like every other value motxl reads from a file. A workbook without the name, or
whose name points at nothing readable (``#REF!``, another workbook, a range), has no situation
date: the caller falls back to today. A filled cell that holds no date is an error (exit 2),
said by ``motxl.core.situation``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from motxl.core.grid import CellError, column_index
from motxl.core.model import Programme
from motxl.core.situation import NAME, Situation, resolve
from motxl.errors import MotxlError
from motxl.workbooks import opc
from motxl.workbooks.preflight import check_workbook_file
from motxl.workbooks.reading import block_origin

# Sheet!$H$2, 'Sheet name'!H2 (quotes doubled inside).
_REFERENCE = re.compile(r"^\s*=?\s*(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?(\d+)\s*$")


def defined_cell(path: Path, name: str = NAME) -> tuple[str, int, int] | None:
    """(sheet, row, column), 1-based, of a workbook-level or sheet-level defined name."""
    package = opc.Package(path, lazy=True)
    try:
        main = package.main_part()
    except MotxlError:
        return None
    root = ElementTree.fromstring(package.read(main))
    for node in root.iter(f"{opc.NS_MAIN}definedName"):
        if (node.get("name") or "").casefold() != name.casefold():
            continue
        match = _REFERENCE.match(node.text or "")
        if match:
            sheet = match.group(1).replace("''", "'") if match.group(1) else match.group(2)
            return sheet.strip(), int(match.group(4)), column_index(match.group(3).upper())
    return None


def read_cell_value(path: Path, sheet: str, row: int, column: int) -> Any:
    """The value of one cell (None when empty or outside the sheet's used area)."""
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    if sheet not in workbook.sheet_names:
        return None
    data = workbook.get_sheet_by_name(sheet)
    rows = list(data.iter_rows())
    if not rows or data.end is None:
        return None
    first_row, first_col = block_origin(data.end, len(rows), len(rows[0]))
    r, c = row - first_row, column - first_col
    if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
        value = rows[r][c]
        return None if value == "" else value
    return None


def workbook_situation_value(path: str | Path, programme: Programme | None = None) -> Any:
    """The raw value of the workbook's ``DateSituation`` cell, or None. When the cell lies in
    the title area of ``programme`` (read from the same file), it is taken from there: the
    sheet is not read a second time (1 s at 100,000 actions)."""
    source = Path(path)
    check_workbook_file(source)
    try:
        where = defined_cell(source)
        if where is None:
            return None
        sheet, row, column = where
        if programme is not None and sheet == programme.sheet and row < programme.header_row:
            value = programme.title_cells.get((row, column))
            return None if isinstance(value, CellError) else value  # as calamine reads it
        return read_cell_value(source, sheet, row, column)
    except (MotxlError, KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # calamine's errors and Rust panics are BaseExceptions
        raise MotxlError(f"{source.name} : la cellule {NAME} est illisible "
                         f"({type(exc).__name__}) : ouvrez le classeur dans Excel et "
                         "enregistrez-le de nouveau.") from exc


def check_as_of(option: Any) -> None:
    """Refuse an ``--as-of`` that is no date before anything is read or written."""
    if option:
        resolve(option)


def situation_of(path: str | Path, option: Any = None, *, today: dt.date | None = None,
                 programme: Programme | None = None) -> Situation:
    """The situation date of a run on ``path``: ``--as-of``, else its cell, else today.

    Read after the programme (``programme``, read from ``path``, spares a second reading of
    its sheet): a file that cannot be read is reported by the programme's reader, with its
    own message."""
    if option:
        return resolve(option)
    return resolve(None, workbook_situation_value(path, programme), today=today)
