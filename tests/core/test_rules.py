"""One workbook per rule: the rule fires with its id, severity and cell; a clean programme is silent."""

import datetime as dt

import pytest

from motxl.core.checks import validate
from motxl.core.findings import RULES
from motxl.core.grid import CellError, Uncomputed
from motxl.workbooks.reading import read_programme
from tests.conftest import HEADER


def formulas_without_results(path, rows):
    """A workbook written by a program (openpyxl): formulas are saved without a result."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Programme"
    for row in rows:
        sheet.append([str(v) if isinstance(v, Uncomputed) else v for v in row])
    book.save(path)
    return path

# Columns of the test header: A code, B label, C person, D funding, E days planned,
# F budget planned, G days actual, H spent actual, I status, J deadline, K comment.
CLEAN = [
    ["1", "[SOCLE] AXE 1 - CADRE"],
    ["1.1", "OBJECTIF UN"],
    ["1.1.1", "Sous-objectif un"],
    ["1.1.1", "Action A", "Anne", "Socle", 5, 1000, 2, 300, "En cours", dt.date(2023, 6, 30),
     "ok"],
    ["1.1.1", "Action B", "Paul", None, 3, 500, 0, 0, "À lancer", dt.date(2023, 12, 31)],
    ["1.1.2", "Sous-objectif deux"],
    ["1.1.2", "Action C", None, "Marché public", 1, 100, 1, 100, "Réalisé"],
    ["1.2", "OBJECTIF DEUX"],
    ["1.2", "Action directe sous l'objectif"],
    ["2", "[SUR-MESURE] AXE 2 - PROJETS"],
    ["2.1", "OBJECTIF"],
    ["2.1.1", "Sous-objectif"],
    ["2.1.1", "FR-DE / Action D", "Anne", None, None, None, None, None, "En attente"],
]


def with_row(index, row):
    """CLEAN with ``row`` inserted before CLEAN[index]; it lands on sheet row index + 2."""
    return CLEAN[:index] + [row] + CLEAN[index:]


def replaced(index, **cells):
    columns = "ABCDEFGHIJK"
    row = list(CLEAN[index]) + [None] * (11 - len(CLEAN[index]))
    for letter, value in cells.items():
        row[columns.index(letter)] = value
    return CLEAN[:index] + [row] + CLEAN[index + 1:]


CASES = {
    # rule: (rows, expected cell)
    "code-format": [(with_row(3, ["1..2", "Action"]), "A5"),
                    (with_row(3, ["A.1", "Action"]), "A5"),
                    (with_row(3, ["1.2.3.4", "Action"]), "A5")],
    "code-orphan": [(with_row(9, ["1.3.1", "Sous-objectif sans objectif"]), "A11")],
    "code-missing": [(with_row(4, [None, "Action sans code"]), "A6")],
    "label-missing": [(with_row(4, ["1.1.1", None, "Anne"]), "B6")],
    "amount-on-heading": [(replaced(2, E=4), "E4"), (replaced(0, H=10.5), "H2")],
    "amount-invalid": [(replaced(3, F="1 234,50"), "F5"), (replaced(3, E=-2), "E5")],
    "status-unknown": [(replaced(3, I="Terminé"), "I5")],
    "funding-unknown": [(replaced(3, D="FEDER"), "D5")],
    "cell-error": [(replaced(3, F=CellError("#DIV/0!")), "F5"),
                   (replaced(4, K=CellError("#REF!")), "K6")],
    "code-trailing-dot": [(replaced(7, A="1.2."), "A9")],
    "code-order": [(with_row(9, ["1.4", "OBJECTIF QUATRE"]), "A11"),  # gap: 1.2 → 1.4
                   (with_row(9, ["1.1.1", "Action égarée"]), "A11")],
    "label-markup": [(replaced(3, B="<b>Action A</b>"), "B5")],
    "axis-tag": [(replaced(9, B="AXE 2 - PROJETS"), "B11")],
    "overspent": [(replaced(3, G=9), "G5"), (replaced(3, H=1500), "H5")],
    "deadline-invalid": [(replaced(3, J="30/06/2023"), "J5"),
                         (replaced(3, J=dt.date(2024, 1, 15)), "J5")],
    "duplicate-action": [(with_row(5, ["1.1.1", "Action  a"]), "B7"),
                         (with_row(5, ["1.1.1", "ACTION A"]), "B7"),
                         (with_row(5, ["1.1.1", "Action\xa0A"]), "B7"),
                         (with_row(5, ["1.1.1", "action\ta"]), "B7")],
    "blank-row": [(with_row(5, []), "A7")],
    "code-number": [(replaced(1, A=1.1), "A3")],
    # 1.10 typed in a General cell is the number 1.1, met again after objective 1.2
    "code-number-ambiguous": [(with_row(9, [1.1, "OBJECTIF DIX"]), "A11")],
    "code-respelt": [(replaced(7, A="1.02"), "A9"), (replaced(7, A="1. 2"), "A9")],
    "formula-no-result": [(replaced(3, F=Uncomputed("=E5*200")), "F5"),
                          (replaced(3, I=Uncomputed('=IF(G5>0,"En cours","À lancer")')), "I5")],
    "formula-no-result-text": [(replaced(3, K=Uncomputed('=C5&" ok"')), "K5")],
    "column-duplicate": [(CLEAN, "L1", [*HEADER, "Statut"])],
    "column-ignored": [(CLEAN, "L1", [*HEADER, "Budget prévu 2022 (€)"])],
    "year-unknown": [(CLEAN, "B1", ["Axe", "Libellé", *HEADER[2:]])],
    "programme-empty": [(CLEAN[:3], "A1"), ([], "A1")],
    "person-spelling": [(replaced(4, C="anne"), "C6"), (replaced(4, C="ANNE"), "C6")],
}


def test_every_rule_has_a_case():
    # The Historique sheet's rules are tested with the history (tests/history).
    assert set(CASES) == {rule for rule in RULES if not rule.startswith("history-")}


def test_clean_programme_has_no_finding(make_programme):
    report = validate(read_programme(make_programme(CLEAN)))
    assert report.findings == []
    assert report.valid and report.exit_code == 0


@pytest.mark.parametrize("rule,case", [(r, c) for r, cases in CASES.items() for c in cases],
                         ids=lambda v: v if isinstance(v, str) else v[1])
def test_rule_fires(make_programme, tmp_path, rule, case):
    rows, cell, *header = case
    header = header[0] if header else HEADER
    if any(isinstance(v, Uncomputed) for row in rows for v in row):
        path = formulas_without_results(tmp_path / "formules.xlsx", [header, *rows])
    else:
        path = make_programme(rows, header=header)
    report = validate(read_programme(path))
    hits = [f for f in report.findings if f.rule == rule]
    assert [(f.severity, f.cell) for f in hits] == [(RULES[rule].severity, cell)], \
        report.flatten(["rule", "cell", "message"])
    finding = hits[0]
    assert finding.sheet == "Programme" and finding.cell == f"{finding.column}{finding.row}"
    assert finding.message and "{" not in finding.message
    assert report.valid == (RULES[rule].severity != "error")


def test_code_typed_as_number_is_a_code(make_programme):
    rows = [[1, "[SOCLE] AXE"], [1.1, "OBJ"], ["1.1.1", "SO"], ["1.1.1", "Action"]]
    programme = read_programme(make_programme(rows))
    assert [h.code for h in programme.headings] == ["1", "1.1", "1.1.1"]
    # the decimal number 1.1 is at risk (1.10 would be 1.1 too): one warning; whole numbers none
    assert validate(programme).flatten() == [["code-number", "A3"]]


def test_header_found_below_title_and_columns_reordered(make_programme, tmp_path):
    header = ["Statut", "Libellé", "Code", "Jours prévus"]
    rows = [["En cours", "[SOCLE] AXE", "1", None], ["En cours", "OBJ", "1.1", None],
            ["Réalisé", "Action", "1.1", 4]]
    from motxl.workbooks.writing import save_sheets

    path = tmp_path / "moved.xlsx"
    save_sheets(path, {"Programme": [["Titre du classeur"], [], header, *rows]})
    programme = read_programme(path)
    assert programme.header_row == 3
    assert programme.columns["code"] == "C" and programme.columns["label"] == "B"
    assert programme.actions[0].days_planned == 4 and programme.actions[0].status == "Réalisé"
