"""The copy python-calamine reads a large sheet from (workbooks/values_copy.py) gives the same
grid as the file itself, on every workbook of the corpus that can be read, and leaves nothing
behind."""

from __future__ import annotations

import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from motxl.errors import MotxlError
from motxl.workbooks import reading, values_copy
from motxl.workbooks.reading import read_grid
from tests.trust import builders as b
from tests.trust.corpus import CASES

READABLE = [case for case in CASES if case.refused is None and not case.locked
            and not case.isolate]


def _grid_or_refusal(path: Path, sheet: str):
    try:
        grid = read_grid(path, sheet)
    except MotxlError as exc:
        return str(exc)
    return (grid.sheet, grid.first_row, grid.first_col, grid.rows, grid.has_errors)


@pytest.mark.parametrize("case", READABLE, ids=[case.name for case in READABLE])
def test_the_copy_reads_as_the_file(case, corpus, monkeypatch, tmp_path):
    path = corpus(case)
    sheet = case.sheet or "Programme"
    used: list[Path] = []
    original = values_copy.values_source

    @contextmanager
    def spied(*args):
        with original(*args) as source:
            used.append(source)
            yield source

    @contextmanager
    def the_file(path, *_):
        yield path

    monkeypatch.setattr(reading, "values_source", the_file)
    from_file = _grid_or_refusal(path, sheet)
    monkeypatch.setattr(reading, "values_source", spied)
    monkeypatch.setattr(values_copy, "MIN_SHEET_SIZE", 0)
    monkeypatch.setattr(values_copy.tempfile, "tempdir", str(tmp_path))
    from_copy = _grid_or_refusal(path, sheet)
    assert from_copy == from_file
    assert used and used[0].parent.parent == tmp_path  # calamine read the copy
    assert list(tmp_path.iterdir()) == []  # the copy is gone


def test_the_copy_holds_the_cells_byte_for_byte(tmp_path):
    path = b.programme(tmp_path / "p.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read(b.SHEET)
        originals = {name: archive.read(name) for name in archive.namelist()}
    copy = tmp_path / "copie.xlsx"
    at = sheet.find(b"<sheetData")
    values_copy._write_copy(copy, path, b.SHEET, sheet, at)
    with zipfile.ZipFile(copy) as archive:
        infos = archive.infolist()
        assert all(info.compress_type == zipfile.ZIP_STORED for info in infos)
        copied = {info.filename: archive.read(info) for info in infos}
    assert copied[b.SHEET] == sheet[:at] + values_copy.NO_MERGED_CELLS + sheet[at:]
    assert {"xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml",
            "[Content_Types].xml"} <= set(copied)
    assert all(copied[name] == originals[name] for name in copied if name != b.SHEET)


def test_a_large_sheet_is_read_from_a_copy_and_a_small_one_from_the_file(tmp_path,
                                                                       monkeypatch):
    path = b.programme(tmp_path / "p.xlsx")
    sheet = zipfile.ZipFile(path).read(b.SHEET)
    with values_copy.values_source(path, b.SHEET, sheet) as source:
        assert source == path
    monkeypatch.setattr(values_copy, "MIN_SHEET_SIZE", len(sheet))
    with values_copy.values_source(path, b.SHEET, sheet) as source:
        assert source != path and source.exists()
    assert not source.exists()


def test_no_room_for_the_copy_reads_the_file(tmp_path, monkeypatch):
    path = b.programme(tmp_path / "p.xlsx")
    sheet = zipfile.ZipFile(path).read(b.SHEET)
    monkeypatch.setattr(values_copy, "MIN_SHEET_SIZE", 0)

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(values_copy, "_write_copy", full)
    with values_copy.values_source(path, b.SHEET, sheet) as source:
        assert source == path


def test_a_sheet_named_otherwise_than_the_early_reading_is_read_from_the_file(tmp_path,
                                                                            monkeypatch):
    """If calamine's sheet names matched another sheet than the early reading's, the copy
    (which holds only the early one) is left and the file itself is read."""
    other = [["Code", "Libellé"], ["1", "AUTRE AXE"]]
    path = b.programme(tmp_path / "p.xlsx", extra_sheets={"Autre": other})
    monkeypatch.setattr(values_copy, "MIN_SHEET_SIZE", 0)
    monkeypatch.setattr(reading, "_match_sheet", lambda path, names, wanted: "Autre")
    grid = read_grid(path, "Programme")
    assert grid.sheet == "Autre"
    assert grid.rows[:2] == [["Code", "Libellé"], ["1", "AUTRE AXE"]]
