"""Read one sheet's values from a workbook file into a Grid, without loading styles.

python-calamine reads the values (cached results for formulas); it turns Excel error cells and
formulas saved without a result into empty cells, so those are found in the sheet's XML with an
XML parser (only when the sheet has error cells or formulas at all) and put back.
Numbers that are not finite (``NaN``, ``1e999``: no Excel writes them) are read as ``#NUM!``.

python-calamine holds a sheet as one dense block from its first to its last filled cell, so a
value typed in XFD1048576 would ask for 17 billion cells (hundreds of GB) and abort the process:
the extent of the filled cells is measured in the sheet's XML first, and a sheet larger than
``MAX_CELLS`` is refused with a message naming its farthest cell.
"""

from __future__ import annotations

import functools
import io
import math
import re
import zipfile
from pathlib import Path
from typing import Iterator

from defusedxml import ElementTree

from motxl.core.grid import (CellError, Grid, Uncomputed, column_index, column_letter,
                              cycle_collection_paused)
from motxl.core.headers import HEADER_SEARCH_ROWS, field_of
from motxl.core.model import Programme
from motxl.core.parse import parse_programme
from motxl.errors import MotxlError
from motxl.presentation.names import find_tab
from motxl.workbooks.background import InThread
from motxl.workbooks.preflight import start_workbook_check
from motxl.workbooks.values_copy import values_source
from motxl.workbooks import opc

DEFAULT_SHEET = "Programme"
_CELL_REF = re.compile(r"\s*([A-Za-z]+)([0-9]+)\s*$")
#: Rows × columns of the block from A1 to the farthest filled cell above which a sheet is refused
#: (python-calamine keeps about 32 bytes a cell; a programme of 100,000 actions is 1.1 million).
MAX_CELLS = 25_000_000
#: Cell references outside A1:Z99999 (two letters or more, or six digits or more: files may
#: hold references beyond Excel's XFD1048576, and calamine takes them as they are).
_FAR_REF = re.compile(rb'r="(?:([A-Za-z]{2,})([0-9]+)|([A-Za-z])([0-9]{6,}))"')
_NEAR_ROW = re.compile(rb'r="[A-Za-z]([0-9]{1,5})"')
_CELL_OR_ROW = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*?)(/?)>")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]*)([0-9]+)\s*["']""")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_HAS_VALUE = re.compile(rb"<(?:\w+:)?(?:v>[^<]|is>)")
_NUM_ERROR = CellError("#NUM!")
_SHARED_STRINGS_TYPE = "/sharedStrings"
_UNIQUE_COUNT = re.compile(rb"""\buniqueCount\s*=\s*["']\s*([0-9]+)""")


def read_programme(path: str | Path, sheet: str | None = None, *,
                   year: int | None = None) -> Programme:
    """The parsed programme of a workbook file (MotxlError when it cannot be read); ``year``
    (the --year option) overrides the year read from the sheet."""
    with cycle_collection_paused():
        grid = read_grid(Path(path), sheet or DEFAULT_SHEET)
        return parse_programme(grid, year=year)


def read_grid(path: Path, sheet: str = DEFAULT_SHEET) -> Grid:
    checks = start_workbook_check(path)
    early = _early_sheet(path, sheet)  # while the file's parts are checked in a thread
    checks.wait()  # only now may python-calamine open the file
    _check_shared_strings(path)
    import python_calamine

    try:
        # a large sheet is read from a copy without its merged cells' second pass; the copy
        # is made only once the sheet's extent is known to be safe
        part, xml = (early[1], early[2]) if early and _within_limits(early[3]) else (None, None)
        with values_source(path, part, xml) as source:
            workbook = python_calamine.CalamineWorkbook.from_path(str(source))
            name = _match_sheet(path, workbook.sheet_names, sheet)
            data: bytes | None
            if early is not None and early[0] == name:
                data, extent = early[2], early[3]
            else:
                if source != path:  # names read otherwise than the early reading: the file
                    workbook.close()
                    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
                data, extent = _sheet_xml(path, name), None
            _check_extent(path, name, data, extent)
            # calamine parses the sheet without the GIL: meanwhile this thread reads in the
            # XML what calamine does not say (error cells, formulas without result) and
            # whether any number may not be finite (else the rows are not tested one by one)
            parsing = InThread("motxl-calamine", workbook.get_sheet_by_name, name)
            specials = list(special_cells(data)) if data is not None else []
            finite = data is not None and not may_not_be_finite(data)
            try:
                calamine_sheet = parsing.result()
            finally:
                workbook.close()  # before its copy, if any, is deleted
        rows, full_width, not_finite = _read_rows(calamine_sheet, finite)
        end_row, end_col = calamine_sheet.end or (0, 0)
    except (MotxlError, KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # calamine's errors, and its Rust panics (BaseException)
        raise MotxlError(f"{path.name} est illisible ({_short(exc)}) : ouvrez-le dans Excel "
                         "et enregistrez-le de nouveau.")
    first_row, first_col = block_origin((end_row, end_col), len(rows), full_width)
    grid = Grid(sheet=name, rows=rows, first_row=first_row, first_col=first_col,
                source=str(path))
    # calamine gives no error value: the grid has some only where #NUM! or the XML put them
    grid.has_errors = _overlay_errors(grid, specials) > 0 or not_finite
    return grid


def block_origin(end: tuple[int, int], rows: int, width: int) -> tuple[int, int]:
    """Sheet row and column (1-based) of the first cell of calamine's ``iter_rows`` block.

    The block ends at the sheet's last used cell (``sheet.end``, 0-based); where it starts
    varies (python-calamine 0.9 starts rows at row 1 but columns at the first used one), so
    it is placed from its end."""
    if not rows:
        return 1, 1
    return end[0] + 2 - rows, end[1] + 2 - width


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def _match_sheet(path: Path, names: list[str], wanted: str) -> str:
    if not names:
        raise MotxlError(f"{path.name} ne contient aucune feuille : ouvrez-le dans Excel pour le "
                         "réparer, ou reprenez une sauvegarde.")
    found = find_tab(wanted, names)  # the one sheet-name rule (case, accents, spaces)
    if found is not None:
        return found
    listed = ", ".join(f"« {n} »" for n in names[:10])
    raise MotxlError(f"{path.name} n'a pas de feuille « {wanted} » (feuilles : {listed}) : "
                     "indiquez la bonne avec --sheet.")


def _read_rows(sheet, finite: bool = False) -> tuple[list[list], int, bool]:
    """All rows, cut to the programme's columns once the header is known (wide sheets); the
    width of calamine's block; whether a number that is not finite became #NUM!. With
    ``finite`` (the XML says every number is), cells are not tested one by one."""
    not_finite: list[float] = []
    rows: list[list] = []
    width: int | None = None
    full_width = 0
    for index, raw in enumerate(sheet.iter_rows()):
        if index == 0:
            full_width = len(raw)
        if width is None:
            row = _cells(raw, not_finite)
            if index < HEADER_SEARCH_ROWS:
                header_width = _header_width(row)
                if header_width:
                    width = header_width
            rows.append(row)
        else:
            cut = raw if len(raw) <= width else raw[:width]
            # an empty row costs one C-level count, not one Python test a cell: a stray note
            # in Z100000 gives 100,000 of them
            empty = cut.count("")
            if empty == len(cut):
                rows.append([])
            elif finite:
                rows.append(_emptied(cut, empty) if empty else cut)
            else:
                rows.append(_cells(cut, not_finite))
    return rows, full_width, bool(not_finite)


def _emptied(cells: list, empty: int) -> list:
    """``cells`` (calamine's own list) with its ``empty`` empty strings made None, in place:
    a few C-level searches, not a test a cell."""
    at = -1
    for _ in range(empty):
        at = cells.index("", at + 1)
        cells[at] = None
    return cells


def _cells(raw: list, not_finite: list[float]) -> list:
    """Empty strings as None, numbers that are not finite as #NUM! (kept in ``not_finite``)."""
    return [None if v == "" else _num_error(v, not_finite)
            if v.__class__ is float and not math.isfinite(v) else v for v in raw]


def _num_error(value: float, not_finite: list[float]) -> CellError:
    not_finite.append(value)
    return _NUM_ERROR


def _header_width(row: list) -> int | None:
    """Width up to the last recognised header, if this row is the programme header."""
    fields = {i: field_of(v) for i, v in enumerate(row) if isinstance(v, str)}
    names = set(fields.values())
    if "code" in names and "label" in names:
        return max(i for i, f in fields.items() if f) + 1
    return None


def _sheet_part(package: opc.Package, sheet: str) -> str | None:
    """The part of the sheet named ``sheet`` (exactly), as the workbook's relationships say."""
    return next((s.part for s in package.sheets() if s.name == sheet), None)


def _damaged(path: Path, exc: Exception) -> MotxlError:
    return MotxlError(f"{path.name} est endommagé ({_short(exc)}) : ouvrez-le dans Excel "
                      "et enregistrez-le de nouveau.")


_READ_ERRORS = (KeyError, zipfile.BadZipFile, ElementTree.ParseError)


def _check_shared_strings(path: Path) -> None:
    """python-calamine reserves memory for the count of texts the shared strings announce
    (``uniqueCount``): a count larger than the part could hold aborts the process."""
    try:
        package = opc.Package(path, lazy=True)
        parts = {"xl/sharedStrings.xml"}
        try:
            main = package.main_part()
        except MotxlError:
            main = ""  # no main part: calamine reports it
        for rel in package.rels(main) if main else ():
            if rel.type.endswith(_SHARED_STRINGS_TYPE):
                parts.add(opc.resolve(main, rel.target))
        for part in parts:
            info = package.info(part)
            if info is None:
                continue
            match = _UNIQUE_COUNT.search(package.head(part, 4096))
            if match and int(match.group(1)) > info.file_size // 5 + 1:
                raise MotxlError(f"{path.name} est endommagé ({part} annonce "
                                 f"{int(match.group(1))} textes) : ouvrez-le dans Excel "
                                 "pour le réparer, ou reprenez une sauvegarde.")
    except _READ_ERRORS as exc:
        raise _damaged(path, exc) from exc


def _early_sheet(path: Path, wanted: str
                 ) -> tuple[str, str, bytes, tuple[int, int, str]] | None:
    """(name, part, XML, extent) of the sheet, read while the file's parts are being checked,
    or None when anything is unusual: then it is read again, the usual way, once the checks
    have said what is wrong with the file (their messages come first)."""
    try:
        package = opc.Package(path, lazy=True)
        name = find_tab(wanted, [s.name for s in package.sheets()])
        part = _sheet_part(package, name) if name is not None else None
        if name is None or part is None or part.startswith("xl/chartsheets/"):
            return None
        data = package.get(part)
        return (name, part, data, _extent(data)) if data is not None else None
    except Exception:  # noqa: BLE001 - any doubt: the usual reading decides, and says it
        return None


def _sheet_xml(path: Path, sheet: str) -> bytes | None:
    """The sheet's XML part (None when the workbook does not say where it is: calamine decides)."""
    try:
        package = opc.Package(path, lazy=True)
        part = _sheet_part(package, sheet)
        if part is None:
            return None
        if part.startswith("xl/chartsheets/"):
            raise MotxlError(f"« {sheet} » est une feuille graphique de {path.name} : "
                             "indiquez la feuille du programme avec --sheet.")
        data = package.get(part)
        if data is None:
            raise MotxlError(f"{path.name} est endommagé (la feuille « {sheet} » manque "
                             "dans le fichier) : ouvrez-le dans Excel pour le réparer, ou "
                             "reprenez une sauvegarde.")
        return data
    except _READ_ERRORS as exc:
        raise _damaged(path, exc) from exc


def _has_value(data: bytes, tag_end: int, empty: bool) -> bool:
    """Whether the cell whose start tag ends at ``tag_end`` holds a value (calamine skips the
    others: styled blanks, formulas without a cached result)."""
    if empty:
        return False
    close = _CELL_END.search(data, tag_end)
    body = data[tag_end:close.start() if close else len(data)]
    return _HAS_VALUE.search(body) is not None


#: (rows, columns) of A1:Z899999, a block well inside MAX_CELLS.
_NEAR_LIMIT = (899_999, 26)


@functools.lru_cache(maxsize=None)
def _odd_cell() -> re.Pattern[bytes]:
    """A ``c`` start tag not followed at once by a reference inside A1:Z899999 (compiled on
    first use: it costs start-up time to every command that reads no sheet)."""
    return re.compile(rb'<c(?! r="[A-Za-z](?:[1-8][0-9]{5}|[0-9]{1,5})")[\s/>]')


def _cell_region(data: bytes) -> tuple[int, int]:
    """Where the cells can stand: between the first and the last mention of ``sheetData``
    (the whole part when it has none)."""
    high = data.rfind(b"sheetData")
    return (data.find(b"sheetData") + len(b"sheetData"), high) if high >= 0 else (0, len(data))


def _has_line_space(data: bytes) -> bool:
    low, high = _cell_region(data)
    return any(data.find(space, low, high) >= 0 for space in (b"\t", b"\n", b"\r"))


def _extent(data: bytes) -> tuple[int, int, str]:
    """(last row, last column) of the cells with a value, an upper bound of the block calamine
    builds, and the farthest of those cells. Fast when every cell carries its reference (every
    Excel-like writer does): only references outside A1:Z99999 are looked at; faster still
    when every cell starts ``<c r="…"`` with a reference inside A1:Z899999 (one regex pass)."""
    if _odd_cell().search(data) is None and b":c" not in data:
        # every cell element starts <c r="A1" to <c r="Z899999" (a prefixed one would hold
        # ":c"): the block fits whatever the values
        return _NEAR_LIMIT[0], _NEAR_LIMIT[1], ""
    cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b":c ") + data.count(b":c>")
    with_ref = data.count(b'<c r="') + data.count(b':c r="')
    # the counts see "<c " only: a tab or a line break after a tag name goes the exact way
    if cells == with_ref and not _has_line_space(data):
        last_row = last_col = 0
        farthest = (0, "")
        for match in _FAR_REF.finditer(data):
            letters, digits = (match.group(1), match.group(2)) if match.group(1) else \
                (match.group(3), match.group(4))
            row, col = int(digits), column_index(letters.decode())
            if row <= last_row and col <= last_col:
                continue
            tag_end = data.find(b">", match.end())
            if tag_end >= 0 and _has_value(data, tag_end + 1, data[tag_end - 1:tag_end] == b"/"):
                last_row, last_col = max(last_row, row), max(last_col, col)
                farthest = max(farthest, (row * col, f"{letters.decode().upper()}{row}"))
        near_rows = 99_999
        if last_col > MAX_CELLS // near_rows:  # wide: how far down A1:Z99999 goes counts too
            near_rows = max(map(int, _NEAR_ROW.findall(data)), default=0)
        return max(last_row, near_rows), max(last_col, 26), farthest[1]
    # Cells without references are placed one after the other, as calamine does.
    row = col = last_row = last_col = 0
    farthest = (0, "")
    for match in _CELL_OR_ROW.finditer(data):
        tag, attributes, empty = match.groups()
        ref = _R_ATTR.search(attributes)
        if tag == b"row":
            row, col = (int(ref.group(2)) if ref else row + 1), 0
            continue
        if ref and ref.group(1):
            row, col = int(ref.group(2)), column_index(ref.group(1).decode())
        else:
            col += 1
        if _has_value(data, match.end(), empty == b"/"):
            last_row, last_col = max(last_row, row), max(last_col, col)
            farthest = max(farthest, (row * col, f"{column_letter(col)}{row}"))
    return last_row, last_col, farthest[1]


def check_sheet_extent(path: str | Path, sheet: str) -> None:
    """Raise MotxlError if python-calamine could not hold ``sheet`` (any sheet of the workbook,
    not only the programme): call it before ``get_sheet_by_name``, which would abort the whole
    process on a value in XFD1048576. Chart sheets and sheets without a part pass."""
    path = Path(path)
    try:
        package = opc.Package(path, lazy=True)
        part = _sheet_part(package, sheet)
        if part is None or part.startswith("xl/chartsheets/"):
            return
        data = package.get(part)
        if data is None:
            return
    except _READ_ERRORS as exc:
        raise _damaged(path, exc) from exc
    _check_extent(path, sheet, data)


def _within_limits(extent: tuple[int, int, str]) -> bool:
    rows, cols, _ = extent
    return rows * cols <= MAX_CELLS


def _check_extent(path: Path, sheet: str, data: bytes | None,
                  extent: tuple[int, int, str] | None = None) -> None:
    if data is None:
        return
    rows, cols, farthest = extent or _extent(data)
    if not _within_limits((rows, cols, farthest)):
        raise MotxlError(
            f"La feuille « {sheet} » de {path.name} a une cellule remplie très loin, en "
            f"{farthest or column_letter(cols) + str(rows)} : supprimez les lignes et colonnes "
            "inutilisées (Ctrl+Fin montre la dernière cellule), enregistrez, puis relancez.")


def _overlay_errors(grid: Grid, specials: list[tuple[int, int, CellError]]) -> int:
    """Put Excel error values (#REF!...) and formulas saved without a result back into the grid,
    as CellError and Uncomputed (python-calamine reads both as empty cells); how many."""
    placed = 0
    width = None
    for row, col, value in specials:
        r, c = row - grid.first_row, col - grid.first_col
        if 0 <= r < len(grid.rows):
            cells = grid.rows[r]
            if c >= len(cells):
                width = grid.width if width is None else width  # one walk, when needed
                if c < width:
                    cells.extend([None] * (c + 1 - len(cells)))
            if 0 <= c < len(cells):
                cells[c] = value
                placed += 1
    return placed


def _may_hide_values(data: bytes) -> bool:
    """Whether the sheet may have error cells or formulas at all (most programme sheets have
    none: then the XML is not parsed a second time). A superset, looked for between the first
    and last mention of ``sheetData`` (where every cell stands): a formula is an element named
    ``f``; an error cell has ``t`` valued ``e``, quoted, or written with a character reference.
    Single bytes are looked for first (memchr, a few ms for 32 MB)."""
    low, high = _cell_region(data)
    if data.find(b"f", low, high) >= 0 and (data.find(b"<f", low, high) >= 0
                                            or data.find(b":f", low, high) >= 0):
        return True
    if data.find(b"&", low, high) >= 0:
        return True
    return data.find(b"e", low, high) >= 0 and (data.find(b'"e"', low, high) >= 0
                                                or data.find(b"'e'", low, high) >= 0)


#: A value element that is not a plain decimal python-calamine reads as a finite float: at most
#: 200 digits before the point and a two-digit exponent (below 1e300). Anything else (``NaN``,
#: ``inf``, ``1e999``, 400 digits, a character reference, attributes) may be a number that is
#: not finite, or is no number at all (text results, errors): then cells are tested one by one.
_UNUSUAL_VALUE = re.compile(
    rb"<v(?!>-?[0-9]{1,200}(?:\.[0-9]{0,300})?(?:[eE][-+]?[0-9]{1,2})?</v>)")
_PREFIXED_VALUE = re.compile(rb":v[\s/>]")


def may_not_be_finite(data: bytes) -> bool:
    """Whether python-calamine may read a number that is not finite from this sheet XML (a
    superset: when it says no, every number is finite). Its value elements must be written
    ``<v>`` without a prefix, in an encoding where ``<v`` is those bytes (not UTF-16)."""
    if b"\x00" in data[:4096]:
        return True
    if data.find(b":v") >= 0 and _PREFIXED_VALUE.search(data) is not None:
        return True
    return _UNUSUAL_VALUE.search(data) is not None


def special_cells(data: bytes) -> Iterator[tuple[int, int, CellError]]:
    """(row, column, value) of each error cell and each formula without a stored result, read
    with an XML parser (any formula length, any prefix, cells with or without references)."""
    if not _may_hide_values(data):
        return
    row = col = 0
    try:
        for event, element in ElementTree.iterparse(io.BytesIO(data), events=("start", "end")):
            tag = element.tag.rpartition("}")[2]
            if event == "start":
                if tag == "row":
                    ref = element.get("r")
                    row, col = (int(ref) if ref and ref.isdigit() else row + 1), 0
                elif tag == "c":
                    match = _CELL_REF.match(element.get("r") or "")
                    if match:
                        row, col = int(match.group(2)), column_index(match.group(1))
                    else:
                        col += 1
                continue
            if tag == "c":
                value = _special_value(element)
                if value is not None:
                    yield row, col, value
                element.clear()
            elif tag == "row":
                element.clear()
    except ElementTree.ParseError:
        return  # calamine read the sheet: what it could not parse stays as calamine read it


def _special_value(cell) -> CellError | None:
    formula = value = None
    for child in cell:
        tag = child.tag.rpartition("}")[2]
        if tag == "f":
            formula = child
        elif tag in ("v", "is"):
            value = child
    if cell.get("t") == "e":
        if value is not None and value.text:
            return CellError(value.text.strip())
        return None
    # openpyxl writes <v/> for a formula it could not compute; only a text result can be empty
    if formula is not None and (value is None or (not value.text and cell.get("t") != "str")):
        text = (formula.text or "").strip()
        return Uncomputed(f"={text}" if text else "(formule partagée)")
    return None
