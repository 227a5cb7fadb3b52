"""The Historique sheet across refreshes: recorded, replaced for the same date, kept otherwise.

Expected figures are sums over the seed rows the test wrote (tests.compare.versions), read back
with openpyxl; the programme is edited between refreshes with openpyxl, as a user would in Excel.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile

import openpyxl
import pytest

from motxl.errors import MotxlError
from motxl.workbooks.refresh import refresh_file
from motxl.workbooks.writing import save_sheets
from tests.compare.versions import BUDGET, CODE, DAYS, Version

SPENT, DAYS_ACTUAL = 7, 6
MARCH = dt.datetime(2023, 3, 31, 9, 0)
JUNE_MORNING = dt.datetime(2023, 6, 30, 10, 0)
JUNE_EVENING = dt.datetime(2023, 6, 30, 16, 30)


def expected_totals(rows, actions) -> dict:
    picked = [rows[i - 1] for i in actions]
    return {"actions": len(picked), "days_planned": sum(r[DAYS] or 0 for r in picked),
            "budget_planned": sum(r[BUDGET] or 0 for r in picked),
            "spent_actual": sum(r[SPENT] or 0 for r in picked)}


def history_rows(path) -> list[tuple]:
    """Data rows of Historique (after its header), read with openpyxl."""
    workbook = openpyxl.load_workbook(path, data_only=True)
    try:
        rows = [tuple(r) for r in workbook["Historique"].iter_rows(values_only=True)]
    finally:
        workbook.close()
    header = next(k for k, r in enumerate(rows) if r and r[0] == "Date de situation")
    return [tuple(v for v in r) for r in rows[header + 1:] if any(v is not None for v in r)]


def add_spent(path, row: int, amount: float) -> None:
    """The user types a new amount spent in the Programme sheet (openpyxl stands for Excel)."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Programme"]
    cell = sheet.cell(row=row, column=SPENT + 1)
    cell.value = (cell.value or 0) + amount
    workbook.save(path)


def charts_titles(path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [archive.read(n).decode() for n in archive.namelist()
                if n.startswith("xl/charts/chart")]


@pytest.fixture
def programme(tmp_path):
    version = Version()
    path = tmp_path / "programme.xlsx"
    save_sheets(path, {"Programme": version.old_rows})
    return version, path


def totals_of(rows, date: dt.date) -> tuple:
    total = [r for r in rows if r[0].date() == date and r[2] == "Total"]
    assert len(total) == 1
    return total[0]


def test_three_refreshes_two_situation_dates(programme):
    version, path = programme
    rows = [list(r) for r in version.old_rows]
    expected = expected_totals(rows, version.action_rows)

    refresh_file(path, now=MARCH)
    first = history_rows(path)
    assert len(first) == 3 + 1  # three axes and the total
    total = totals_of(first, MARCH.date())
    assert total[1] == MARCH
    assert total[4:9] == (expected["actions"], expected["days_planned"],
                          sum(r[DAYS_ACTUAL] or 0 for r in (rows[i - 1] for i in
                                                             version.action_rows)),
                          expected["budget_planned"], expected["spent_actual"])
    axis_1 = [rows[i - 1] for i in version.action_rows if str(rows[i - 1][CODE])[0] == "1"]
    row_1 = next(r for r in first if r[2] == "1")
    assert row_1[4] == len(axis_1) and row_1[7] == sum(r[BUDGET] or 0 for r in axis_1)
    assert not any("Consommation dans le temps" in c for c in charts_titles(path))

    add_spent(path, 8, 1000)
    refresh_file(path, now=JUNE_MORNING)
    second = history_rows(path)
    assert len(second) == 8
    assert second[:4] == first  # March untouched
    assert totals_of(second, JUNE_MORNING.date())[8] == expected["spent_actual"] + 1000
    assert any("Consommation dans le temps" in c for c in charts_titles(path))

    add_spent(path, 8, 500)
    refresh_file(path, now=JUNE_EVENING)
    third = history_rows(path)
    assert len(third) == 8  # the June rows replaced, not added
    assert third[:4] == first
    june = totals_of(third, JUNE_EVENING.date())
    assert june[1] == JUNE_EVENING and june[8] == expected["spent_actual"] + 1500
    # The Synthèse's table under the chart: one row per situation date.
    workbook = openpyxl.load_workbook(path, data_only=True)
    synthese = [r for r in workbook["Synthèse"].iter_rows(values_only=True)]
    at = next(k for k, r in enumerate(synthese) if r[0] == "Consommation dans le temps")
    assert synthese[at + 1][:3] == ("Situation", "Budget prévu (€)", "Dépensé (€)")
    assert [r[0] for r in synthese[at + 2:at + 4]] == ["31/03/2023", "30/06/2023"]
    assert synthese[at + 3][2] == expected["spent_actual"] + 1500
    workbook.close()


def test_user_edits_and_deletions_are_kept(programme):
    _, path = programme
    refresh_file(path, now=MARCH)
    refresh_file(path, now=JUNE_MORNING)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Historique"]
    header = next(c.row for c in sheet["A"] if c.value == "Date de situation")
    sheet.cell(row=header + 2, column=4).value = "Axe 2 (libellé corrigé à la main)"
    sheet.cell(row=header, column=10).value = "Remarques"  # a column of her own
    sheet.cell(row=header + 1, column=10).value = "note de la directrice"
    sheet.delete_rows(header + 3)  # the March row of axis 3
    workbook.save(path)
    edited = history_rows(path)

    refresh_file(path, now=dt.datetime(2023, 9, 30, 12, 0))
    after = history_rows(path)
    assert len(after) == len(edited) + 4
    assert after[:len(edited)] == edited  # each row exactly as the user left it
    assert after[0][9] == "note de la directrice"
    workbook = openpyxl.load_workbook(path)
    assert workbook["Historique"].cell(row=header, column=10).value == "Remarques"
    workbook.close()
    assert after[1][3] == "Axe 2 (libellé corrigé à la main)"
    assert [r[2] for r in after[:3]] == ["1", "2", "Total"]


def test_damaged_history_gives_findings_not_a_crash(programme, cli):
    _, path = programme
    refresh_file(path, now=MARCH)
    refresh_file(path, now=JUNE_MORNING)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Historique"]
    header = next(c.row for c in sheet["A"] if c.value == "Date de situation")
    sheet.cell(row=header + 2, column=8).value = "beaucoup"  # text in « Budget prévu »
    # Rows out of order: the first June row before March's.
    sheet.cell(row=header + 1, column=1).value, sheet.cell(row=header + 5, column=1).value = \
        sheet.cell(row=header + 5, column=1).value, sheet.cell(row=header + 1, column=1).value
    workbook.save(path)
    before = history_rows(path)

    result = cli("history", path, "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    rules = {(f["rule"], f["cell"]) for f in data["findings"]}
    assert ("history-value", f"H{header + 2}") in rules
    assert any(rule == "history-order" for rule, _ in rules)
    assert data["unread_rows"] == [header + 2]
    text = cli("history", path)
    assert text.code == 0 and "« Budget prévu (€) » vaut « beaucoup »" in text.out

    result = refresh_file(path, now=dt.datetime(2023, 9, 30, 12, 0))
    assert result.counts["warning"] >= 1
    after = history_rows(path)
    bad = next(r for r in before if r[7] == "beaucoup")
    assert bad in after  # kept, even unreadable
    assert len(after) == len(before) + 4
    workbook = openpyxl.load_workbook(path, data_only=True)
    controles = [r for r in workbook["Contrôles"].iter_rows(values_only=True)]
    assert any("history-value" in r and f"H{header + 2}" in r for r in controles)
    workbook.close()


def test_a_lost_row_is_refused(programme, monkeypatch):
    _, path = programme
    refresh_file(path, now=MARCH)
    original = path.read_bytes()
    import motxl.core.history as history

    real = history.merge

    def lossy(old, new_rows, date):
        merged = real(old, new_rows, date)
        merged.rows.pop(0)  # a bug that would drop the user's first row
        return merged

    monkeypatch.setattr("motxl.presentation.history.merge", lossy)
    with pytest.raises(MotxlError) as error:
        refresh_file(path, now=JUNE_MORNING)
    assert "ligne(s) de la feuille « Historique »" in error.value.message
    assert path.read_bytes() == original


def test_history_of_a_workbook_without_one(programme, cli):
    _, path = programme
    result = cli("history", path)
    assert result.code == 0 and "n'a pas encore d'onglet « Historique »" in result.out
    data = json.loads(cli("history", path, "--format", "json").out)
    assert data["found"] is False and data["situations"] == []
    assert cli("history", path.with_name("absent.xlsx")).code == 2
