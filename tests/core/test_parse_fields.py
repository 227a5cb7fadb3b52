"""Every field of a parsed action comes from its own cell.

The parser builds actions positionally (for speed): this test fails if a field lands in
another's place, in any column order.
"""

import datetime as dt

import pytest

from motxl.workbooks.reading import read_programme
from tests.conftest import HEADER

ROWS = [
    ["1", "[SOCLE] AXE 1 - CADRE"],
    ["1.1", "OBJECTIF UN"],
    ["1.1.1", "Sous-objectif un"],
    ["1.1.1", "FR-DE / PE / Action A (en attente)", "Anne", "Sur-mesure", 5, 1000, 2, 300,
     "En cours", dt.date(2023, 6, 30), "une note"],
    ["1.1", "Action B sous l'objectif", None, None, None, 500, None, 0, None, None, None],
]


@pytest.mark.parametrize("order", [list(range(11)), list(reversed(range(11)))],
                         ids=["as-typed", "reversed"])
def test_each_field_from_its_cell(make_programme, order):
    header = [HEADER[i] for i in order]
    rows = [[(row + [None] * 11)[i] for i in order] for row in ROWS]
    programme = read_programme(make_programme(rows, header=header))
    first, second = programme.actions
    assert first._asdict() == {
        "row": 5, "code": "1.1.1", "axis": "1", "label": "FR-DE / PE / Action A (en attente)",
        "objective": "1.1", "sub_objective": "1.1.1", "person": "Anne",
        "funding": "Sur-mesure", "status": "En cours", "deadline": dt.date(2023, 6, 30),
        "comment": "une note", "days_planned": 5.0, "days_actual": 2.0,
        "budget_planned": 1000.0, "spent_actual": 300.0, "borders": ["FR-DE"],
        "institutions": ["PE"], "pending": True}
    assert second._asdict() == {
        "row": 6, "code": "1.1", "axis": "1", "label": "Action B sous l'objectif",
        "objective": "1.1", "sub_objective": None, "person": None, "funding": "Socle",
        "status": None, "deadline": None, "comment": None, "days_planned": None,
        "days_actual": None, "budget_planned": 500.0, "spent_actual": 0.0, "borders": [],
        "institutions": [], "pending": False}


def test_validate_builds_no_action_and_summary_builds_them_once(make_programme, monkeypatch):
    """The checks read the source rows: `validate` never builds the actions (a third of the
    parse at 100,000 actions); the roll-up builds them once, on first use."""
    from motxl.core import parse
    from motxl.core.checks import validate
    from motxl.core.rollup import roll_up

    built = []
    build = parse._actions

    def counted(*args):
        built.append(1)
        return build(*args)

    monkeypatch.setattr(parse, "_actions", counted)
    programme = read_programme(make_programme(ROWS + [ROWS[3], ROWS[3]]))
    report = validate(programme)
    assert {f.rule for f in report.findings} >= {"duplicate-action"}
    assert built == []
    roll_up(programme, dt.date(2023, 6, 30))
    assert len(programme.actions) == 4 and built == [1]
