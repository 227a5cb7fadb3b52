"""The buttons' Python (motxl.faces.excel) driven through the recording double of xlwings.

The double's Programme sheet holds what the committed workbook holds (or a 10,000-action
programme); what the double receives is compared with the tabs the file path builds (read with
calamine, ``build_tabs``) and with what ``motxl refresh`` writes into a copy of the file.
xlwings' real remote engine runs the same buttons in test_remote_engine.py; this file keeps
what only the desktop engines do (docs/excel-engines.md): the status bar, chart series set by
index, multi-area addresses and the macOS one-area mode, Excel's text conversion, the messages
outside Excel.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import time

import pytest
import xlwings

import motxl
import motxl.faces.excel as excel
from motxl.core.checks import validate as check
from motxl.core.rollup import roll_up
from motxl.presentation import CONTROLES, OWN_TABS, SUIVI, SYNTHESE, build_tabs
from motxl.render.xlwings_live import excel_text
from motxl.workbooks.reading import read_programme
from motxl.workbooks.situation_cell import situation_of
from motxl.workbooks.writing import save_sheets
from tests.excel.fake_xlwings import make_book
from tests.excel.programmes import (BOOK_FULLNAME, BOOK_NAME, FIXED_NOW, WORKBOOK,
                                    big_programme_rows, normalize, seed_programme_rows,
                                    sheet_cells, spec_cells, workbook_names, workbook_rows)

WRITES = ("set value", "set formula", "font.set", "borders.set", "set color", "set number_format",
          "set horizontal_alignment", "set vertical_alignment", "set wrap_text", "merge",
          "set column_width", "set row_height", "clear", "delete",
          "conditional_formats.add_custom")


@pytest.fixture
def run(monkeypatch):
    """run(book, 'validate'): call the entry point as RunPython would, with a fixed clock."""

    def call(book, function: str):
        monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
        monkeypatch.setattr(excel, "_now", lambda: FIXED_NOW)
        getattr(excel, function)()
        return book

    return call


def file_tabs(path, source_name=BOOK_NAME):
    """The tabs the file path builds (calamine reader), by name."""
    programme = read_programme(path)
    report = check(programme)
    situation = situation_of(path, today=FIXED_NOW.date())  # the file's DateSituation cell
    return {tab.name: tab for tab in build_tabs(programme, report,
                                                roll_up(programme, situation.date),
                                                situation=situation, source_name=source_name)}


def programme_writes(book) -> list:
    return [c for c in book._rec.calls
            if c.target.startswith("Programme!") and c.op in WRITES]


@pytest.fixture(scope="module")
def seed_tabs():
    return file_tabs(WORKBOOK)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """The 10,000-action programme: its rows and the tabs the file path builds from them."""
    rows = big_programme_rows(10_000)
    path = tmp_path_factory.mktemp("big") / BOOK_NAME.replace(".xlsm", ".xlsx")
    save_sheets(path, {"Programme": rows})
    return rows, file_tabs(path)


def test_validate_writes_controles_only(run, seed_tabs):
    book = make_book(workbook_rows(), fullname=BOOK_FULLNAME, names=workbook_names())
    programme_before = dict(book._sheet("Programme")._cells)
    run(book, "validate")

    assert book._sheet("Programme")._cells == programme_before
    assert programme_writes(book) == []
    assert sheet_cells(book._sheet(CONTROLES)._cells) == spec_cells(seed_tabs[CONTROLES])
    assert book._sheet(SYNTHESE)._cells == {} and book._sheet(SUIVI)._cells == {}
    alert, = book._app._alerts
    assert alert["mode"] == "info" and alert["title"] == "motxl"
    assert alert["prompt"].startswith("Programme valide : aucune erreur (83 actions contrôlées)")
    assert "6 avertissement(s)" in alert["prompt"]
    # screen updating off during the run, a status message, both restored before the message
    ops = [(c.op, c.args[0] if c.args else None) for c in book._rec.calls
           if c.target == "app" and c.op not in ("get app", "get engine")]
    assert ops[:2] == [("set screen_updating", False),
                       ("set status_bar", "motxl : contrôle du programme en cours…")]
    assert ops[-3:] == [("set screen_updating", True), ("set status_bar", False),
                        ("alert", alert["prompt"])]
    assert book._active is book._sheet("Programme")


def test_validate_links_are_hyperlink_formulas(run, seed_tabs):
    book = run(make_book(workbook_rows(), fullname=BOOK_FULLNAME, names=workbook_names()), "validate")
    sheet = book._sheet(CONTROLES)
    spec = seed_tabs[CONTROLES]
    assert len(sheet._formulas) == len(spec.links) == 11
    for link in spec.links:
        formula = sheet._formulas[(link.row + 1, link.col + 1)]
        assert formula == f'=HYPERLINK("#\'Programme\'!{link.cell}","{link.text}")'
    assert len(book._rec.ops("set formula")) == 1  # one block for all the links
    assert sheet._selection == "C10"  # the TabSpec's selected cell: the first finding


def test_validate_selects_first_error_and_changes_no_programme_cell(run):
    rows = seed_programme_rows()
    rows[6][8] = "Terminé"  # row 7: an unknown status
    rows[9][4] = "douze"  # row 10: days as text
    book = make_book(rows, fullname=BOOK_FULLNAME)
    before = dict(book._sheet("Programme")._cells)
    run(book, "validate")

    assert programme_writes(book) == []
    assert book._sheet("Programme")._cells == before
    assert book._active is book._sheet("Programme")
    assert book._sheet("Programme")._selection == "I7"
    alert, = book._app._alerts
    assert alert["mode"] == "critical"
    assert alert["prompt"].startswith("Programme NON valide : 2 erreur(s)")
    assert "cellule I7" in alert["prompt"] and "« Terminé » n'existe pas" in alert["prompt"]


def test_refresh_writes_the_three_tabs_as_the_file_path(run, seed_tabs):
    book = run(make_book(workbook_rows(), fullname=BOOK_FULLNAME, names=workbook_names()), "refresh_summary")
    for name in OWN_TABS:
        assert sheet_cells(book._sheet(name)._cells) == spec_cells(seed_tabs[name]), name
    synthese = book._sheet(SYNTHESE)
    assert [c._type for c in synthese._charts] == ["column_clustered", "doughnut",
                                                   "bar_clustered"]
    column, doughnut, people = synthese._charts
    assert column._source == "Synthèse!J6:K8" and column._plot_by == "columns"
    assert column._categories == "Synthèse!A6:A8"
    assert [s["name"] for s in column._series] == ["Budget prévu", "Dépensé"]
    funding = _find_rows(synthese, "Par financement")  # the doughnut reads the funding table
    assert doughnut._source == f"Synthèse!J{funding + 2}:J{funding + 4}"
    assert doughnut._categories == f"Synthèse!A{funding + 2}:A{funding + 4}"
    assert [s["name"] for s in people._series] == ["Jours prévus", "Jours réalisés"]
    suivi = book._sheet(SUIVI)
    assert [(t._name, t._area) for t in suivi._tables] == [("Suivi_actions", (4, 1, 87, 20))]
    assert len(suivi._conditional_formats) == 7  # one per coloured state
    assert suivi._format_of(5, 8, "number_format") == "dd/mm/yyyy"
    assert suivi._format_of(4, 1, "font.bold") is True
    assert book._active is synthese
    alert, = book._app._alerts
    assert alert["prompt"].startswith("Synthèse actualisée : 83 actions, 744,0 jours et "
                                      "479\u202f400 € prévus.")
    assert programme_writes(book) == []


def test_refresh_matches_motxl_refresh(run, tmp_path):
    from motxl.workbooks import refresh
    copy = tmp_path / BOOK_NAME
    shutil.copyfile(WORKBOOK, copy)
    refresh.refresh_file(copy, now=FIXED_NOW)
    book = run(make_book(workbook_rows(), fullname=BOOK_FULLNAME, names=workbook_names()), "refresh_summary")
    for name in OWN_TABS:
        written = {(r + 1, c + 1): v for r, row in enumerate(workbook_rows(copy, name))
                   for c, v in enumerate(row)}
        assert rounded(sheet_cells(book._sheet(name)._cells)) == rounded(sheet_cells(written)), \
            name  # openpyxl stores floats with 15 significant digits


def _find_rows(sheet, text: str) -> int:
    """The 1-based row whose column A holds ``text``."""
    return next(r for (r, c), v in sheet._cells.items() if c == 1 and v == text)


def rounded(cells: dict) -> dict:
    return {k: float(f"{v:.12g}") if isinstance(v, float) else v for k, v in cells.items()}


def test_second_refresh_replaces_charts_and_tables(run):
    book = make_book(workbook_rows(), fullname=BOOK_FULLNAME, names=workbook_names())
    run(book, "refresh_summary")
    first = {name: dict(book._sheet(name)._cells) for name in OWN_TABS}
    run(book, "refresh_summary")
    assert len(book._sheet(SYNTHESE)._charts) == 3
    assert len(book._sheet(SUIVI)._tables) == 1
    assert {name: dict(book._sheet(name)._cells) for name in OWN_TABS} == first


def _counts(function: str, rows, run) -> tuple[int, float, object]:
    book = make_book(rows, fullname=BOOK_FULLNAME)
    start = time.perf_counter()
    run(book, function)
    return len(book._rec), time.perf_counter() - start, book


@pytest.mark.slow
@pytest.mark.parametrize("multi_area", [True, False], ids=["windows", "macos"])
def test_same_small_number_of_calls_for_10000_actions(run, big, capsys, monkeypatch,
                                                      multi_area):
    monkeypatch.setattr("motxl.render.xlwings_live.multi_area_default", lambda: multi_area)
    big_rows, big_tabs = big
    seed_rows = workbook_rows()
    report = [f"mode {'multi-zones (Windows)' if multi_area else 'une zone par appel (macOS)'}"]
    for function in ("validate", "refresh_summary"):
        small, small_s, _ = _counts(function, seed_rows, run)
        large, large_s, book = _counts(function, big_rows, run)
        report.append(f"{function}: {small} appels xlwings pour 83 actions ({small_s:.2f} s), "
                      f"{large} pour 10 000 actions ({large_s:.2f} s)")
        assert small == large
        assert large < (550 if multi_area else 850)  # four tabs with Historique
        if not multi_area:
            assert not [c for c in book._rec.ops("range")
                        if isinstance(c.args[0], str) and "," in c.args[0]]
        names = (CONTROLES,) if function == "validate" else OWN_TABS
        for name in names:
            assert sheet_cells(book._sheet(name)._cells) == spec_cells(big_tabs[name]), name
    with capsys.disabled():
        print("\n" + "\n".join(report))
    suivi_rows = {r for r, _ in book._sheet(SUIVI)._cells}
    assert max(suivi_rows) == 4 + 10_000


def test_missing_programme_sheet_is_a_french_message(run):
    book = make_book([], fullname=BOOK_FULLNAME)
    book._sheets[0]._name = "Feuil1"
    run(book, "validate")
    alert, = book._app._alerts
    assert alert["mode"] == "critical"
    assert alert["prompt"].startswith("Ce classeur n'a pas d'onglet « Programme »")
    assert book._app._screen_updating is True and book._app._status_bar is False


def test_sheet_without_header_is_a_french_message(run):
    book = run(make_book([["rien"], ["ici"]], fullname=BOOK_FULLNAME), "refresh_summary")
    alert, = book._app._alerts
    assert alert["mode"] == "critical"
    assert "n'a pas d'en-tête de programme" in alert["prompt"]


def test_unexpected_error_is_a_message_not_a_traceback(run, monkeypatch):
    def boom(programme, *args):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr("motxl.core.rollup.roll_up", boom)
    book = run(make_book(workbook_rows(), fullname=BOOK_FULLNAME, names=workbook_names()), "refresh_summary")
    alert, = book._app._alerts
    assert alert["mode"] == "critical"
    assert alert["prompt"].startswith("Erreur inattendue (RuntimeError : panne simulée).")
    assert "Traceback" not in alert["prompt"]
    assert book._app._screen_updating is True and book._app._status_bar is False


def test_without_excel_the_message_goes_to_stderr(capsys):
    # On Linux xlwings has no engine: Book.caller() fails as it does outside RunPython.
    with pytest.raises(SystemExit) as exit_info:
        excel.validate()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("motxl : ce bouton doit être lancé depuis le classeur ouvert dans "
                          "Excel")
    assert "Traceback" not in err


def test_importing_the_module_does_not_touch_excel(monkeypatch):
    def caller(cls):
        raise AssertionError("Book.caller() called at import")

    monkeypatch.setattr(xlwings.Book, "caller", classmethod(caller))
    importlib.reload(excel)


def test_diagnose(run):
    book = run(make_book(workbook_rows(), fullname=BOOK_FULLNAME, names=workbook_names()), "diagnose")
    alert, = book._app._alerts
    prompt = alert["prompt"]
    assert alert["mode"] == "info"
    assert f"Python : {sys.executable}" in prompt
    assert f"motxl : {motxl.__version__}" in prompt
    assert f"xlwings : {xlwings.__version__} (attendue par les macros : 0.37.8)" in prompt
    assert f"Classeur : {BOOK_FULLNAME}" in prompt
    assert not book._rec.ops("set screen_updating")


def test_text_stays_text(run):
    rows = seed_programme_rows()
    rows[6][1] = "=1+1"
    rows[7][1] = "12"
    rows[9][2] = "VRAI"
    book = run(make_book(rows, fullname=BOOK_FULLNAME), "refresh_summary")
    suivi = book._sheet(SUIVI)
    labels = {suivi._value(r, 4) for r in range(5, 90)}
    assert {"=1+1", "12"} <= labels  # as text, not a formula nor a number
    assert "VRAI" in {suivi._value(r, 5) for r in range(5, 90)}  # not a boolean
    assert excel_text("1.1") == "'1.1" and excel_text("Socle") == "Socle"
    assert normalize(suivi._value(5, 2)) == "1.1"  # the objective code column stays text

