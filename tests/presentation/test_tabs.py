"""The tab descriptions carry the roll-up's figures, one Suivi row per action, linked findings."""

import datetime as dt

from motxl.core.checks import validate
from motxl.core.rollup import roll_up
from motxl.presentation import CONTROLES, SUIVI, SYNTHESE, build_tabs
from motxl.presentation.spec import STYLES, CONDITIONAL_STYLES
from motxl.presentation.suivi import HEADER as SUIVI_HEADER
from motxl.workbooks.reading import read_programme
from tests.core.test_rollup import KNOWN

NOW = dt.datetime(2023, 7, 1, 9, 30)


def tabs_for(path):
    programme = read_programme(path)
    report = validate(programme)
    rollup = roll_up(programme, NOW.date())
    return programme, report, rollup, build_tabs(programme, report, rollup, now=NOW,
                                                 source_name="test.xlsx")


def find_row(spec, first_value):
    for block in spec.blocks:
        for r, values in enumerate(block.values):
            if values and values[0] == first_value:
                return block.row + r, values
    raise AssertionError(first_value)


def test_three_tabs_with_dated_title(make_programme):
    *_, tabs = tabs_for(make_programme(KNOWN))
    assert [t.name for t in tabs] == [SYNTHESE, SUIVI, CONTROLES]
    for tab in tabs:
        assert tab.value_at(1, 0).startswith("Situation au 01/07/2023 — source : test.xlsx")
        for style in tab.styles:
            assert style.style in STYLES
        for cf in tab.conditional_formats:
            assert cf.style in CONDITIONAL_STYLES


def test_synthese_figures(make_programme):
    _, _, rollup, (synthese, _, _) = tabs_for(make_programme(KNOWN))
    _, axis1 = find_row(synthese, "Axe 1")
    # actions, pending, late (A1, due 01/03), days planned/spent/left, rate, euros, rate
    assert axis1[1] == "AXE 1"  # the [SOCLE] tag is the funding column's business
    assert axis1[2:13] == [4, 2, 1, 10.5, 7.0, 3.5, 7.0 / 10.5, 11600.5, 8550.0, 3050.5,
                           8550 / 11600.5]
    _, total = find_row(synthese, "Total")
    assert total[2] == rollup.totals.actions == 5
    assert total[9] == rollup.totals.budget_planned
    assert len(synthese.charts) == 3  # by axis, by funding, load per person
    assert synthese.print_setup.landscape and synthese.print_setup.fit_width
    assert synthese.freeze is not None


def test_suivi_rows_and_flags(make_programme):
    programme, _, _, (_, suivi, _) = tabs_for(make_programme(KNOWN))
    header_row, header = find_row(suivi, "Axe")
    assert header == SUIVI_HEADER
    line = SUIVI_HEADER.index("Ligne")
    rows = [suivi.value_at(header_row + 1 + i, line) for i in range(len(programme.actions))]
    assert rows == [str(a.row) for a in programme.actions]  # links to the programme rows
    assert [(k.sheet, k.cell) for k in suivi.links] == [("Programme", f"A{a.row}")
                                                        for a in programme.actions]
    late = SUIVI_HEADER.index("En retard")
    over = SUIVI_HEADER.index("Dépassement")
    first = header_row + 1  # A1: deadline 01/03/2023, En cours → late on 01/07/2023
    assert suivi.value_at(first, late) == "Oui"
    a4 = header_row + 4  # OM / A4: spent 150 > 100 planned
    assert suivi.value_at(a4, over) == "Oui"
    assert suivi.tables and suivi.tables[0].area.first_row == header_row
    assert len(suivi.conditional_formats) == 7  # one per coloured state
    state = SUIVI_HEADER.index("État")
    assert suivi.value_at(first, state) == "En retard"
    assert suivi.value_at(header_row + 2, state) == "En attente"  # A2 (en attente)


def test_controles_links_to_programme_cells(make_programme):
    rows = KNOWN + [[None, "Sans code"]]
    _, report, _, (_, _, controles) = tabs_for(make_programme(rows))
    assert not report.valid
    assert [link.cell for link in controles.links] == [f.cell for f in report.findings]
    assert all(link.sheet == "Programme" for link in controles.links)
    assert controles.value_at(controles.links[0].row, 0) == "Erreur"
