"""Synthèse and Suivi on known programmes: the funding split adds up ("Non précisé" included),
remaining and abandoned amounts, the outline, clean tables, one palette."""

from __future__ import annotations

import datetime as dt

import openpyxl

from motxl.core.checks import validate
from motxl.core.rollup import roll_up
from motxl.core.situation import Situation
from motxl.presentation import build_tabs
from motxl.presentation.palette import STATE_TONES, STATUS_TONES
from motxl.presentation.spec import CONDITIONAL_STYLES
from motxl.render.xlsxwriter_file import render_workbook
from motxl.workbooks.reading import read_programme

AS_OF = Situation(dt.date(2023, 10, 31), "option")
# code, label, person, funding, days planned, budget planned, days actual, spent, status, deadline
ROWS = [
    ["1", "[SOCLE] AXE 1"],
    ["1.1", "OBJ 1.1"],
    ["1.1.1", "SO 1.1.1"],
    ["1.1.1", "FR-BE / A1", "Anne", None, 2, 1000, 1, 400, "En cours", dt.date(2023, 12, 1)],
    ["1.1.1", "A2", "Paul", "Sur-mesure", 3, 3000, 1, 500, "Abandonné", dt.date(2023, 5, 1)],
    ["1.1.2", "SO 1.1.2"],
    ["1.1.2", "FR-IT-MC / A3", "Anne", None, 4, 800, 5, 900, "Réalisé", dt.date(2023, 3, 1)],
    ["2", "AXE 2 SANS ÉTIQUETTE"],
    ["2.1", "OBJ 2.1"],
    ["2.1", "A4", "Paul", None, 1, 250, None, None, "À lancer", dt.date(2023, 9, 1)],
    ["2.1", "A5", "Paul", "Socle", 1, 100, None, None, "À lancer", dt.date(2023, 12, 20)],
]
# From the rows above: planned euros per funding, and what is abandoned.
SOCLE, SUR_MESURE, NONE = 1000 + 800 + 100, 3000, 250


def tabs(make_programme, rows=ROWS):
    programme = read_programme(make_programme(rows))
    rollup = roll_up(programme, AS_OF.date)
    return programme, rollup, build_tabs(programme, validate(programme), rollup,
                                         situation=AS_OF, source_name="t.xlsx")


def table_rows(spec, header_first: str, header_second: str | None = None):
    """(header, rows) of the table whose header row starts with ``header_first``."""
    for block in spec.blocks:
        if block.values and block.values[0] and block.values[0][0] == header_first and (
                header_second is None or block.values[0][1] == header_second):
            return block.values[0], block.values[1:]
    raise AssertionError(header_first)


def test_the_split_has_non_precise_and_adds_up_on_every_row(make_programme):
    _, _, (synthese, _, _) = tabs(make_programme)
    header, rows = table_rows(synthese, "Code", "Libellé")
    split = [h for h in header if h.endswith("(€)") and h[:-4] in (
        "Socle", "Sur-mesure", "Marché public", "Non précisé")]
    assert split == ["Socle (€)", "Sur-mesure (€)", "Marché public (€)", "Non précisé (€)"]
    budget = header.index("Budget prévu (€)")
    first = header.index("Socle (€)")
    total = next(r for r in rows if r[0] == "Total")
    assert total[first:first + 4] == [SOCLE, SUR_MESURE, 0, NONE]
    for row in rows:  # every row, totals included: the split adds up to the row's budget
        assert abs(sum(row[first:first + 4]) - row[budget]) < 1e-9, row[:2]
    # the detail by objective and sub-objective adds up the same way
    detail = [b for b in synthese.blocks if b.values and b.values[0][:2] == ["Code", "Libellé"]]
    assert len(detail) >= 2
    for row in detail[1].values[1:]:
        assert abs(sum(row[first:first + 4]) - row[budget]) < 1e-9, row[:2]


def test_no_non_precise_column_when_every_action_has_a_funding(make_programme):
    rows = [r for r in ROWS if not (len(r) > 3 and r[3] is None and r[0].startswith("2"))]
    rows = [r if len(r) < 4 or r[3] else [*r[:3], "Socle", *r[4:]] for r in rows]
    _, rollup, (synthese, _, _) = tabs(make_programme, rows)
    header, _ = table_rows(synthese, "Code", "Libellé")
    assert "Non précisé (€)" not in header
    doughnut = next(c for c in synthese.charts if c.kind == "doughnut")
    slices = doughnut.series[0].categories
    assert slices.last_row - slices.first_row + 1 == len(rollup.by_funding)


def test_remaining_abandoned_and_hors_abandonnees(make_programme):
    _, rollup, (synthese, _, _) = tabs(make_programme)
    header, rows = table_rows(synthese, "Code", "Libellé")
    total, active = [r for r in rows if r[0] == "Total"]
    col = {h: i for i, h in enumerate(header)}
    planned = 1000 + 3000 + 800 + 250 + 100
    spent = 400 + 500 + 900
    assert total[col["Reste (€)"]] == planned - spent
    assert total[col["Reste (jours)"]] == (2 + 3 + 4 + 1 + 1) - (1 + 1 + 5)
    assert active[1] == "hors actions abandonnées"
    assert active[col["Actions"]] == 4 and active[col["Budget prévu (€)"]] == planned - 3000
    assert active[col["Sur-mesure (€)"]] == 0  # the abandoned A2 was the only Sur-mesure one
    assert total[col["En retard"]] == 1  # A4: due 01/09, not started
    header, dropped = next((b.values[0], b.values[1:]) for b in synthese.blocks
                           if b.values and "Actions abandonnées" in b.values[0])
    assert dropped[-1][2:] == [1, 3, 3000]  # count, days planned, euros planned


def test_detail_outline_opened_to_objectives_and_codes_headed_code(make_programme):
    _, _, (synthese, _, _) = tabs(make_programme)
    header, rows = table_rows(synthese, "Code", "Libellé")
    assert header[0] == "Code" and "Axe" not in header
    outline = synthese.outline
    detail_block = [b for b in synthese.blocks
                    if b.values and b.values[0][:2] == ["Code", "Libellé"]][1]
    levels = {detail_block.values[r - detail_block.row][0]: level
              for r, level in outline.levels.items()}
    assert levels == {"1.1": 1, "1.1.1": 2, "1.1.2": 2, "2.1": 1}
    assert outline.shown == 1


def test_outline_in_the_rendered_file(make_programme, tmp_path):
    _, _, (synthese, _, _) = tabs(make_programme)
    path = render_workbook(tmp_path / "t.xlsx", [synthese])
    sheet = openpyxl.load_workbook(path)["Synthèse"]
    found = {}
    for row in sheet.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        dims = sheet.row_dimensions[cell.row]
        if cell.value in ("1.1", "1.1.1", "1.1.2", "2.1", "Axe 1"):
            found.setdefault(cell.value, (dims.outlineLevel, bool(dims.hidden)))
    assert found == {"Axe 1": (0, False), "1.1": (1, False), "1.1.1": (2, True),
                     "1.1.2": (2, True), "2.1": (1, False)}
    assert sheet.sheet_properties.outlinePr.summaryBelow is False


def test_groupings_have_no_empty_label_column_and_borders_have_names(make_programme):
    _, _, (synthese, _, _) = tabs(make_programme)
    header, rows = table_rows(synthese, "Étiquette")
    assert header[:2] == ["Étiquette", "Frontière"]
    assert {r[0]: r[1] for r in rows} == {"FR-BE": "France – Belgique",
                                          "FR-IT-MC": "France – Italie – Monaco"}
    for key in ("Financement", "Statut", "Responsable"):
        header, rows = table_rows(synthese, key)
        row = synthese.blocks.index(next(b for b in synthese.blocks if b.values[0][0] == key))
        block = synthese.blocks[row]
        assert header[1] is None  # column B is the key's, merged with A
        merged = {(a.first_row, a.first_col, a.last_col) for a in synthese.merges}
        assert all((block.row + i, 0, 1) in merged for i in range(len(rows) + 1)), key
    _, people = table_rows(synthese, "Responsable")
    assert [r[0] for r in people] == ["Anne", "Paul", "Total"]


def test_page_breaks_keep_section_titles_with_their_tables(make_programme):
    _, _, (synthese, _, _) = tabs(make_programme)
    titles = {b.row for b in synthese.blocks if len(b.values) == 1 and
              any(s.style == "section" and s.area.first_row == b.row for s in synthese.styles)}
    for row in synthese.page_breaks:
        assert row in titles  # a page starts at a section title, never right after one
        assert row - 1 not in titles


def test_one_palette_for_states_statuses_and_conditional_formats(make_programme):
    _, _, (_, suivi, _) = tabs(make_programme)
    fills = {c.fill for c in CONDITIONAL_STYLES.values()}
    assert {STATE_TONES[s].fill for s in ("late", "pending", "done", "abandoned",
                                          "not_started")} <= fills
    assert STATE_TONES["late"] == STATE_TONES["over"] and \
        STATUS_TONES["Réalisé"] == STATE_TONES["done"] and \
        STATUS_TONES["Abandonné"] == STATE_TONES["abandoned"] and \
        STATUS_TONES["En attente"] == STATE_TONES["pending"]
    assert len({STATE_TONES[s].fill for s in ("late", "pending", "done", "abandoned",
                                              "not_started")}) == 5
    states = {cf.formula.split('"')[1]: cf.style for cf in suivi.conditional_formats}
    assert states["En retard"] == "red" and states["En attente"] == "amber"
    assert states["Réalisée"] == "green" and states["Abandonnée"] == "grey"
    assert states["Non démarrée"] == "blue" and states["Dépassement"] == "red"


def test_suivi_labels_without_funding_tags(make_programme):
    _, _, (_, suivi, _) = tabs(make_programme, [["1", "[SUR-MESURE] AXE"], ["1", "Une action"]])
    assert not any("[SUR-MESURE]" in str(v) for b in suivi.blocks for r in b.values for v in r)


def test_tabs_link_no_more_rows_than_excel_keeps_on_a_sheet(make_programme, monkeypatch,
                                                            tmp_path):
    """Excel keeps 65,530 hyperlinks a worksheet: beyond, Suivi and Contrôles show the same
    text without a link (XlsxWriter would warn once a cell). Checked with a limit of 2."""
    from motxl.presentation import controles, suivi

    monkeypatch.setattr(suivi, "MAX_LINKS", 2)
    monkeypatch.setattr(controles, "MAX_LINKS", 2)
    programme, _, (_, suivi_spec, controles_spec) = tabs(make_programme)
    assert len(programme.actions) == 5 and len(suivi_spec.links) == 2
    header, rows = table_rows(suivi_spec, "Axe", "Objectif")
    line = header.index("Ligne")
    assert [row[line] for row in rows] == [a.row for a in programme.actions]  # all shown
    assert len(controles_spec.links) == 2
    path = tmp_path / "tabs.xlsx"
    render_workbook(path, [suivi_spec, controles_spec])
    book = openpyxl.load_workbook(path)
    for name in ("Suivi", "Contrôles"):
        sheet = book[name]
        linked = [c for r in sheet.iter_rows() for c in r if c.hyperlink is not None]
        assert len(linked) == 2
