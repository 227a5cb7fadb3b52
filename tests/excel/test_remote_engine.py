"""The buttons through xlwings' own remote engine (the engine of xlwings Lite and Server).

The payload holds every sheet of the committed workbook; each button function runs on it; the
actions of ``book.json()`` are replayed into grids and compared with the tab descriptions the
file path builds (calamine reader, ``build_tabs``), as the recording double's tests do.
These tests never skip: the engine ships in the pinned xlwings wheel.
"""

from __future__ import annotations

import copy
from pathlib import Path
from collections import Counter

import pytest
import xlwings

import motxl.faces.excel as excel
from motxl.presentation import CONTROLES, OWN_TABS, SUIVI, SYNTHESE
from tests.excel.programmes import (BOOK_NAME, FIXED_NOW, WORKBOOK, big_programme_rows,
                                    sheet_cells, spec_cells, workbook_names)
from tests.excel.remote_engine import (Replay, engine_calls, file_sheets, open_book, remote,  # noqa: F401
                                       workbook_payload)
from tests.excel.test_excel_face import file_tabs

#: Each button's entry point and the tabs it writes. Helpers adding a button add a row here.
BUTTONS = {
    "validate": (CONTROLES,),
    "refresh_summary": OWN_TABS,
    "diagnose": (),
}
#: The committed workbook's defined names (DateSituation), as the client sends them.
NAMES = workbook_names()
#: Actions that change a programme cell (none may point at the Programme sheet).
WRITES = {"setValues", "setFormula", "sheetClear", "rangeDelete", "rangeClearContents"}


@pytest.fixture(scope="module")
def bundled():
    return file_sheets(WORKBOOK)


@pytest.fixture(scope="module")
def seed_tabs():
    return file_tabs(WORKBOOK)


@pytest.fixture
def click(remote, monkeypatch):
    """click(payload, 'validate') → (Replay, book): the button as RunPython would call it."""

    def call(payload: dict, function: str):
        data = copy.deepcopy(payload)
        book = xlwings.Book(json=data)
        assert book.app.engine.name == "remote"
        monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
        monkeypatch.setattr(excel, "_now", lambda: FIXED_NOW)
        getattr(excel, function)()
        replay = Replay(payload, book.json()["actions"])
        replay.book_data = data  # the engine's view after the run (charts, tables)
        return replay

    return call


def alert_of(replay: Replay) -> tuple[str, str]:
    alert, = replay.funcs("alert")
    prompt, title, _buttons, mode, _callback = alert["args"]
    assert title == "motxl"
    return prompt, mode


def programme_position(replay: Replay) -> int:
    return replay.names.index("Programme")


@pytest.mark.parametrize("function", sorted(BUTTONS))
def test_each_button_writes_its_tabs_as_the_file_path(click, bundled, seed_tabs, function):
    payload = workbook_payload(bundled, name=BOOK_NAME, names=NAMES)
    replay = click(payload, function)
    prompt, mode = alert_of(replay)
    assert not prompt.startswith("Erreur inattendue"), prompt
    for name in BUTTONS[function]:
        assert sheet_cells(replay.cells[name]) == spec_cells(seed_tabs[name]), name
    # refresh_summary also rewrites Historique (tests/excel/test_excel_compare_history.py)
    written = {"Historique"} if function == "refresh_summary" else set()
    untouched = set(replay.names) - set(BUTTONS[function]) - written
    for name in untouched:  # other sheets: no value written
        assert not [a for a in replay.actions if a["func"] in WRITES
                    and a["sheet_position"] == replay.names.index(name)], name
    assert programme_position(replay) == 0


def test_validate_message_selection_and_formats(click, bundled, seed_tabs):
    replay = click(workbook_payload(bundled, name=BOOK_NAME, names=NAMES), "validate")
    prompt, mode = alert_of(replay)
    assert mode == "info"
    assert prompt.startswith("Programme valide : aucune erreur (83 actions contrôlées)")
    assert "6 avertissement(s)" in prompt
    funcs = Counter(a["func"] for a in replay.actions)
    # no status bar on this engine; screen updating off then on
    assert [a["args"] for a in replay.funcs("setScreenUpdating")] == [[False], [True]]
    # alignment reaches the engine (Office.js client, as in xlwings Lite)
    assert funcs["setHorizontalAlignment"] and funcs["setVerticalAlignment"]
    link_blocks = replay.funcs("setFormula")
    links = seed_tabs[CONTROLES].links
    assert len(link_blocks) == 1  # one block for all the links
    assert link_blocks[0]["values"] == [[f'=HYPERLINK("#\'Programme\'!{k.cell}","{k.text}")']
                                        for k in links]
    assert replay.funcs("rangeSelect")  # the TabSpec's selected cell


def test_validate_selects_the_first_error_and_writes_no_programme_cell(click, bundled):
    sheets = copy.deepcopy(bundled)
    programme = sheets["Programme"]
    header = next(i for i, row in enumerate(programme) if row and row[0] == "Axe")
    first_action = next(i for i in range(header + 1, len(programme))
                        if programme[i][0] and programme[i][1]
                        and programme[i][0] == programme[i - 1][0])
    programme[first_action][8] = "Terminé"  # column I: an unknown status
    replay = click(workbook_payload(sheets, name=BOOK_NAME, names=NAMES), "validate")
    prompt, mode = alert_of(replay)
    assert mode == "critical"
    assert prompt.startswith("Programme NON valide : 1 erreur(s)")
    assert f"cellule I{first_action + 1}" in prompt
    position = programme_position(replay)
    assert not [a for a in replay.actions
                if a["func"] in WRITES and a["sheet_position"] == position]
    select = replay.funcs("rangeSelect")[-1]
    assert (select["sheet_position"], select["start_row"], select["start_column"]) == (
        position, first_action, 8)


def test_refresh_charts_tables_and_conditional_formats(click, bundled):
    replay = click(workbook_payload(bundled, name=BOOK_NAME, names=NAMES), "refresh_summary")
    prompt, mode = alert_of(replay)
    assert prompt.startswith("Synthèse actualisée : 83 actions, 744,0 jours et 479\u202f400 €")
    synthese = replay.names.index(SYNTHESE)
    charts = replay.funcs("addChart")
    assert [a["sheet_position"] for a in charts] == [synthese, synthese, synthese]
    assert [c["chart_type"] for c in replay.book_data["sheets"][synthese]["charts"]] == [
        "ColumnClustered", "Doughnut", "BarClustered"]
    assert not replay.funcs("setChartSeries")  # series are never indexed on this engine
    assert [a["args"][3] for a in replay.funcs("addTable")] == ["Suivi_actions",
                                                                "Historique_situations"]
    assert len(replay.funcs("addConditionalFormat")) == 7  # one per coloured state
    tables = replay.book_data["sheets"][replay.names.index(SUIVI)]["tables"]
    assert [(t["name"], t["range_address"]) for t in tables] == [
        ("Suivi_actions", "$A$4:$T$87")]


def test_second_refresh_replaces_charts_and_table(click, bundled, seed_tabs):
    first = click(workbook_payload(bundled, name=BOOK_NAME, names=NAMES), "refresh_summary")
    # what the client sends on the second click: the tabs as written, their charts and table
    sheets = {name: [[first.cells[name].get((r, c)) for c in range(1, 22)]
                     for r in range(1, 1 + max((k[0] for k in first.cells[name]), default=0))]
              for name in first.names}
    # the buttons never write the programme: it is sent as it was (its text codes stay text;
    # rebuilt from the double's cells, 1.1 would come back as a number, a code-number warning)
    sheets["Programme"] = bundled["Programme"]
    payload = workbook_payload(sheets, name=BOOK_NAME, names=NAMES)
    for sheet, data in zip(payload["sheets"], first.book_data["sheets"]):
        sheet["charts"] = copy.deepcopy(data.get("charts", []))
        sheet["tables"] = [t for t in copy.deepcopy(data.get("tables", []))]
    second = click(payload, "refresh_summary")
    assert not alert_of(second)[0].startswith("Erreur inattendue"), alert_of(second)[0]
    assert len(second.funcs("deleteChart")) == 3
    for name in OWN_TABS:
        assert sheet_cells(second.cells[name]) == spec_cells(seed_tabs[name]), name


def test_diagnose_names_xlwings_lite(click, bundled):
    replay = click(workbook_payload(bundled, name=BOOK_NAME, names=NAMES), "diagnose")
    prompt, mode = alert_of(replay)
    assert mode == "info"
    assert "dans xlwings Lite" in prompt
    assert f"xlwings : {xlwings.__version__}" in prompt
    assert f"Classeur : {BOOK_NAME}" in prompt
    assert "attendue par les macros" not in prompt  # no VBA in Lite
    assert not replay.funcs("setScreenUpdating")


@pytest.mark.slow
@pytest.mark.parametrize("function", ["validate", "refresh_summary"])
def test_same_number_of_actions_for_10000_actions(click, bundled, function, tmp_path):
    from motxl.workbooks.writing import save_sheets

    big_rows = big_programme_rows(10_000)
    path = tmp_path / BOOK_NAME.replace(".xlsm", ".xlsx")
    save_sheets(path, {"Programme": big_rows})
    big_tabs = file_tabs(path)
    small = click(workbook_payload(bundled, name=BOOK_NAME, names=NAMES), function)
    sheets = dict(bundled, Programme=big_rows)
    large = click(workbook_payload(sheets, name=BOOK_NAME), function)
    assert engine_calls(small.actions) == engine_calls(large.actions)
    # the engine cuts the 10,000-row Suivi block (20 columns) into chunks: two more writes
    assert len(large.actions) - len(small.actions) <= (2 if function == "refresh_summary" else 0)
    for name in BUTTONS[function]:
        assert sheet_cells(large.cells[name]) == spec_cells(big_tabs[name]), name


def test_the_product_never_sets_or_ships_a_licence_key():
    """Only the tests load xlwings' pro engine: no motxl module, workbook source or Lite file
    names the key (xlwings.bas, xlwings' own module, merely reads an optional one)."""
    root = Path(__file__).resolve().parents[2]
    sources = [p for p in (root / "motxl").rglob("*") if p.suffix in (".py", ".bas", ".cls")
               and p.name != "xlwings.bas"]
    sources += list((root / "workbook" / "lite").glob("*")) + \
        list((root / "workbook" / "source").glob("*"))
    assert sources
    for path in sources:
        text = path.read_text("utf-8", errors="replace")
        assert "LICENSE_KEY" not in text and "noncommercial" not in text.lower(), path
