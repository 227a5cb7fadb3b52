"""A copy of a large sheet's package for python-calamine, made only to read its values faster.

python-calamine 0.9's ``get_sheet_by_name`` reads the sheet twice: its cells, then its merged
cells (``worksheet_merge_cells`` inflates the part again and scans it up to ``<mergeCells>``,
which stands after the cells). motxl never reads merged cells, and that second pass was 35–40 %
of calamine's time on 100,000 actions. So for a large sheet the reader hands calamine a copy,
in a temporary folder, of the parts it reads for values: the content types, the relationships,
the workbook part with its shared strings, styles and metadata, and the sheet, all stored
without compression, the sheet with an empty ``<mergeCells>`` just before its ``<sheetData>``
(the second pass stops there). The cells are the file's, byte for byte; the copy is deleted as
soon as calamine has the sheet. Any doubt (no room, an odd sheet) reads the file itself.
"""

from __future__ import annotations

import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from motxl.workbooks import opc

#: Sheets smaller than this are read from the file itself: the copy would cost what it saves.
MIN_SHEET_SIZE = 4 * 1024 * 1024
#: What the copy puts before ``<sheetData>``: calamine's search for merged cells ends there.
NO_MERGED_CELLS = b'<mergeCells count="0"></mergeCells>'
#: Relationship kinds of the workbook part whose targets calamine reads for values.
_READ_FOR_VALUES = frozenset({"sharedStrings", "styles", "sheetMetadata"})


@contextmanager
def values_source(path: Path, sheet_part: str | None, data: bytes | None) -> Iterator[Path]:
    """The file python-calamine should open to read the sheet ``sheet_part`` whose XML is
    ``data`` (already checked): a copy for a large sheet, else ``path`` itself."""
    cells_at = data.find(b"<sheetData") if data is not None else -1
    if sheet_part is None or data is None or len(data) < MIN_SHEET_SIZE or cells_at < 0:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="motxl-", ignore_cleanup_errors=True) as folder:
        copy = Path(folder) / "valeurs.xlsx"
        try:
            _write_copy(copy, path, sheet_part, data, cells_at)
        except (OSError, KeyError, zipfile.BadZipFile):  # no room, or a part gone: the file
            copy = path
        yield copy


def _write_copy(copy: Path, path: Path, sheet_part: str, data: bytes, cells_at: int) -> None:
    package = opc.Package(path, lazy=True)
    main = package.main_part()
    parts = ["[Content_Types].xml", "_rels/.rels", main, opc.rels_part_of(main),
             opc.rels_part_of(sheet_part)]
    parts += [opc.resolve(main, rel.target) for rel in package.rels(main)
              if rel.kind in _READ_FOR_VALUES and rel.mode != "External"]
    names = dict.fromkeys(package.by_fold[part.casefold()] for part in parts
                          if part.casefold() in package.by_fold)
    with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as archive:
        for name in names:
            archive.writestr(name, package.read(name))
        sheet = memoryview(data)
        with archive.open(package.by_fold[sheet_part.casefold()], "w") as stream:
            stream.write(sheet[:cells_at])
            stream.write(NO_MERGED_CELLS)
            stream.write(sheet[cells_at:])
