"""The buttons' Historique and « Comparer… » paths, driven through the recording xlwings double.

What the double's sheets hold is compared with what the file path writes or builds from the
same data (refresh_file on a copy of the workbook; compare + comparaison_tab on files read with
calamine)."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
import xlwings

import motxl.faces.excel as excel
from motxl.core.compare import compare
from motxl.presentation.comparaison import COMPARAISON, comparaison_tab
from motxl.workbooks.reading import read_programme
from motxl.workbooks.refresh import refresh_file
from motxl.workbooks.writing import save_sheets
from tests.compare.versions import edited_seed
from tests.excel.fake_xlwings import make_book
from tests.excel.programmes import (BOOK_FULLNAME, BOOK_NAME, FIXED_NOW, WORKBOOK, normalize,
                                    sheet_cells, spec_cells, workbook_rows)

NOWS = (dt.datetime(2023, 3, 31, 9, 0), dt.datetime(2023, 6, 30, 10, 0),
        dt.datetime(2023, 6, 30, 16, 30))


@pytest.fixture
def run(monkeypatch):
    """run(book, 'compare_with', *args, now=...): call an entry point as RunPython would."""

    def call(book, function: str, *args, now: dt.datetime = FIXED_NOW):
        monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
        monkeypatch.setattr(excel, "_now", lambda: now)
        getattr(excel, function)(*args)
        return book

    return call


def vba_codes(path: str) -> list[int]:
    """What the workbook's CodesDe sends: AscW of each UTF-16 unit, made positive."""
    data = path.encode("utf-16-le")
    return [int.from_bytes(data[k:k + 2], "little") for k in range(0, len(data), 2)]


def history_cells(book) -> list[list]:
    sheet = book._sheet("Historique")
    cells = sheet_cells(sheet._cells)
    header = next(r for (r, c), v in cells.items() if c == 1 and v == "Date de situation")
    last = max(r for r, _ in cells)
    width = max(c for _, c in cells)
    return [[normalize(cells.get((r, c))) for c in range(1, width + 1)]
            for r in range(header + 1, last + 1)]


def file_history(path) -> list[list]:
    workbook = openpyxl.load_workbook(path, data_only=True)
    try:
        rows = [list(r) for r in workbook["Historique"].iter_rows(values_only=True)]
    finally:
        workbook.close()
    header = next(k for k, r in enumerate(rows) if r[0] == "Date de situation")
    return [[normalize(v) for v in r] for r in rows[header + 1:]]


def rounded(rows):
    return [[float(f"{v:.12g}") if isinstance(v, float) else v for v in r] for r in rows]


def test_refresh_button_keeps_the_history_as_the_command_does(run, tmp_path):
    copy = tmp_path / BOOK_NAME
    shutil.copyfile(WORKBOOK, copy)
    book = make_book(workbook_rows(), fullname=BOOK_FULLNAME)
    counts = []
    for now in NOWS:
        run(book, "refresh_summary", now=now)  # the double has no DateSituation: today
        refresh_file(copy, now=now, as_of=now.date())  # the same date (the file has the cell)
        live = history_cells(book)
        counts.append(len(live))
        assert rounded(live) == rounded(file_history(copy))
    assert counts == [4, 8, 8]  # three axes and a total per situation date; June replaced
    assert history_cells(book)[-1][:3] == [dt.datetime(2023, 6, 30), NOWS[2], "Total"]
    assert [t._name for t in book._sheet("Historique")._tables] == ["Historique_situations"]
    synthese = book._sheet("Synthèse")
    assert len(synthese._charts) == 4  # the three usual ones and « Consommation dans le temps »
    assert [c._type for c in synthese._charts].count("column_clustered") == 2
    alert = book._app._alerts[-1]
    assert "« Historique » mis à jour" in alert["prompt"]


def test_refresh_button_reports_a_damaged_history(run):
    book = make_book(workbook_rows(), fullname=BOOK_FULLNAME)
    run(book, "refresh_summary", now=NOWS[0])
    sheet = book._sheet("Historique")
    header = next(r for (r, c), v in sheet._cells.items() if c == 1 and v == "Date de situation")
    sheet._cells[(header + 1, 6)] = "beaucoup"  # text in « Jours prévus »
    run(book, "refresh_summary", now=NOWS[1])
    rows = history_cells(book)
    assert len(rows) == 8 and any(r[5] == "beaucoup" for r in rows)  # kept as typed
    assert "1 ligne(s) à vérifier" in book._app._alerts[-1]["prompt"]
    controles = sheet_cells(book._sheet("Contrôles")._cells)
    assert "history-value" in controles.values()


@pytest.fixture
def versions(tmp_path):
    """The old version as a file (the one picked in the dialog); the new as the open book."""
    version = edited_seed()
    folder = tmp_path / "l'an dernier \"v1\" 100% & ùé"
    folder.mkdir()
    old, new = version.save(folder)
    return version, old, new


def test_compare_button_writes_the_comparaison_tab(run, versions):
    version, old, new = versions
    book = make_book(version.new_rows(), fullname=BOOK_FULLNAME)
    programme_before = dict(book._sheet("Programme")._cells)
    run(book, "compare_with", *vba_codes(str(old)))

    expected = comparaison_tab(compare(read_programme(old), read_programme(new)), now=FIXED_NOW)
    live = sheet_cells(book._sheet(COMPARAISON)._cells)
    wanted = spec_cells(expected)
    subtitle = (3, 1)  # the new version's name: the open workbook, not nouveau.xlsx
    assert live.pop(subtitle).startswith(f"Nouvelle version : {BOOK_NAME}")
    assert wanted.pop(subtitle).startswith("Nouvelle version : nouveau.xlsx")
    assert live == wanted
    assert [t._name for t in book._sheet(COMPARAISON)._tables] == [
        t.name for t in expected.tables]
    assert book._active is book._sheet(COMPARAISON)
    assert book._sheet("Programme")._cells == programme_before
    alert, = book._app._alerts
    assert alert["mode"] == "info"
    assert "2 ajoutées" in alert["prompt"] and "3 supprimées" in alert["prompt"]
    assert "« ancien.xlsx » (ancienne version)" in alert["prompt"]


def test_codes_survive_any_character():
    path = "C:\\Users\\zoé\\l'an \"dernier\" 100% & | 𝒳\\v1.xlsx"
    codes = vba_codes(path)
    assert excel.path_from_codes(codes) == path
    # AscW gives an Integer: negative above 0x7FFF when the « And &HFFFF& » is missing.
    signed = [c - 0x10000 if c > 0x7FFF else c for c in codes]
    assert excel.path_from_codes(signed) == path


def test_compare_with_an_unusable_file_is_a_message(run, tmp_path):
    bad = tmp_path / "pas un classeur.xlsx"
    bad.write_text("bonjour")
    book = run(make_book(workbook_rows(), fullname=BOOK_FULLNAME), "compare_with",
               *vba_codes(str(bad)))
    alert, = book._app._alerts
    assert alert["mode"] == "critical" and "Traceback" not in alert["prompt"]
    assert "pas un classeur.xlsx" in alert["prompt"]
    assert COMPARAISON not in [s._name for s in book._sheets]
    assert book._app._screen_updating is True and book._app._status_bar is False


def test_compare_with_a_file_saved_by_the_command(run, tmp_path):
    """The old version written as users get it (a copy of the bundled workbook)."""
    old = tmp_path / "Programme2023-vote.xlsx"
    save_sheets(old, {"Programme": workbook_rows()})
    book = run(make_book(workbook_rows(), fullname=BOOK_FULLNAME), "compare_with",
               *vba_codes(str(old)))
    assert "83 inchangées" in book._app._alerts[0]["prompt"]
