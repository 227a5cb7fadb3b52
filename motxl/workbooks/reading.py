"""Read one sheet's values from a workbook file into a Grid, without loading styles.

python-calamine reads the values (cached results for formulas); it turns Excel error cells into
empty strings, so the error cells are found in the sheet's XML with a byte scan and put back.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from defusedxml import ElementTree

from motxl.core.grid import CellError, Grid, column_index
from motxl.core.headers import HEADER_SEARCH_ROWS, field_of
from motxl.core.model import Programme
from motxl.core.parse import parse_programme
from motxl.core.text import fold
from motxl.errors import MotxlError
from motxl.workbooks.preflight import check_workbook_file

DEFAULT_SHEET = "Programme"
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)\bt=\"e\"([^>]*)>(.{0,400}?)</(?:\w+:)?c>",
                         re.S)
_REF = re.compile(rb"\br=\"([A-Z]+)(\d+)\"")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def read_programme(path: str | Path, sheet: str | None = None) -> Programme:
    """The parsed programme of a workbook file (MotxlError when it cannot be read)."""
    grid = read_grid(Path(path), sheet or DEFAULT_SHEET)
    return parse_programme(grid)


def read_grid(path: Path, sheet: str = DEFAULT_SHEET) -> Grid:
    check_workbook_file(path)
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        name = _match_sheet(path, workbook.sheet_names, sheet)
        calamine_sheet = workbook.get_sheet_by_name(name)
        rows, full_width = _read_rows(calamine_sheet)
        end_row, end_col = calamine_sheet.end or (0, 0)
    except MotxlError:
        raise
    except Exception as exc:  # calamine's own errors: damaged XML, unsupported content
        raise MotxlError(f"{path.name} est illisible ({_short(exc)}) : ouvrez-le dans Excel "
                         "et enregistrez-le de nouveau.")
    # iter_rows' block ends at the sheet's last used cell; where it starts varies (python-calamine
    # 0.9 starts rows at row 1 but columns at the first used one), so place it from its end.
    first_row = end_row + 2 - len(rows) if rows else 1
    first_col = end_col + 2 - full_width if rows else 1
    grid = Grid(sheet=name, rows=rows, first_row=first_row, first_col=first_col,
                source=str(path))
    _overlay_errors(path, grid)
    return grid


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def _match_sheet(path: Path, names: list[str], wanted: str) -> str:
    if wanted in names:
        return wanted
    folded = [n for n in names if fold(n) == fold(wanted)]
    if len(folded) == 1:
        return folded[0]
    listed = ", ".join(f"« {n} »" for n in names[:10])
    raise MotxlError(f"{path.name} n'a pas de feuille « {wanted} » (feuilles : {listed}) : "
                     "indiquez la bonne avec --sheet.")


def _read_rows(sheet) -> tuple[list[list], int]:
    """All rows, cut to the programme's columns once the header is known (wide sheets)."""
    rows: list[list] = []
    width: int | None = None
    full_width = 0
    for index, raw in enumerate(sheet.iter_rows()):
        if index == 0:
            full_width = len(raw)
        if width is None:
            row = [None if v == "" else v for v in raw]
            if index < HEADER_SEARCH_ROWS:
                header_width = _header_width(row)
                if header_width:
                    width = header_width
            rows.append(row)
        else:
            rows.append([None if v == "" else v for v in raw[:width]])
    return rows, full_width


def _header_width(row: list) -> int | None:
    """Width up to the last recognised header, if this row is the programme header."""
    fields = {i: field_of(v) for i, v in enumerate(row) if isinstance(v, str)}
    names = set(fields.values())
    if "code" in names and "label" in names:
        return max(i for i, f in fields.items() if f) + 1
    return None


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rel_id = None
    for node in workbook.iter(f"{_NS_MAIN}sheet"):
        if node.get("name") == sheet:
            rel_id = node.get(f"{_NS_REL}id")
    if rel_id is None:
        return None
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    return None


def _overlay_errors(path: Path, grid: Grid) -> None:
    """Put Excel error values (#REF!...) back into the grid as CellError."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, grid.sheet)
            if part is None:
                return
            data = archive.read(part)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        raise MotxlError(f"{path.name} est endommagé ({_short(exc)}) : ouvrez-le dans Excel "
                         "et enregistrez-le de nouveau.")
    if b't="e"' not in data:
        return
    for match in _ERROR_CELL.finditer(data):
        ref = _REF.search(match.group(1) + b" " + match.group(2))
        value = _VALUE.search(match.group(3))
        if not ref or not value:
            continue
        row = int(ref.group(2)) - grid.first_row
        col = column_index(ref.group(1).decode()) - grid.first_col
        if 0 <= row < len(grid.rows) and 0 <= col < len(grid.rows[row]):
            grid.rows[row][col] = CellError(value.group(1).decode("utf-8", "replace"))
