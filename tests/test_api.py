"""The public Python API (motxl/__init__.py, docs/api.md), used only through ``import motxl``.

The workbook is written with openpyxl, not motxl, and every expected figure comes from the
rows below.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import motxl

HEADER = ["Axe", "PROGRAMME 2023", "Responsable", "Financement", "Jours prévus",
          "Budget prévu (€)", "Jours réalisés", "Dépenses réalisées (€)", "Statut", "Échéance",
          "Commentaire"]
ROWS = [
    ["1", "[SOCLE] Animer le réseau"],
    ["1.1", "Réunir les membres"],
    ["1.1", "FR-DE / Assemblée générale", "Anne", "Socle", 10, 5000, 12, 5200, "En cours",
     dt.datetime(2023, 6, 30)],
    ["1.1", "Séminaire (en attente)", "Paul", "Socle", 4, 2000, None, None, "En attente", None],
    ["2", "[SUR-MESURE] Accompagner les territoires"],
    ["2", "Marché public d'étude", "Anne", None, 6.5, 12000, 1, 800, "À lancer", None],
    ["2", "CE / Appui juridique", None, "Sur-mesure", 3, 1500, 3, 1500, "Réalisé", None,
     "voir la convention"],
    ["2", "Étude de suivi", None, None, None, None, None, None, "Peut-être", None],
]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Programme"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    path = tmp_path / "programme.xlsx"
    book.save(path)
    return path


def _actions() -> list[list]:
    """The rows after the first one carrying their code (that one is the heading)."""
    seen: set[str] = set()
    actions = []
    for row in ROWS:
        if row[0] in seen:
            actions.append(row + [None] * (len(HEADER) - len(row)))
        seen.add(row[0])
    return actions


def test_exports_exactly_the_documented_surface() -> None:
    assert sorted(motxl.__all__) == sorted(
        ["__version__", "load", "validate", "roll_up", "actions_frame", "compare", "Programme",
         "ValidationReport", "Rollup", "Changes"])
    for name in motxl.__all__:
        assert getattr(motxl, name) is not None, name
    with pytest.raises(AttributeError):
        motxl.not_there  # noqa: B018


def test_import_motxl_stays_light() -> None:
    code = ("import sys, motxl; heavy = {'pandas', 'pydantic', 'rich', 'python_calamine'}; "
            "print(sorted(heavy & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_load_validate_roll_up_and_frame(workbook: Path) -> None:
    actions = _actions()
    programme = motxl.load(workbook)
    assert isinstance(programme, motxl.Programme)
    assert [a.label for a in programme.actions] == [a[1] for a in actions]

    report = motxl.validate(programme)
    assert isinstance(report, motxl.ValidationReport)
    assert not report.valid
    # Row 1 is the header: the last row's status is not one of the five; row 4 spends more
    # days (G) and euros (H) than planned.
    assert sorted(report.flatten()) == sorted(
        [["status-unknown", f"I{len(ROWS) + 1}"], ["overspent", "G4"], ["overspent", "H4"]])

    rollup = motxl.roll_up(programme)
    assert isinstance(rollup, motxl.Rollup)
    assert rollup.totals.actions == len(actions)
    assert rollup.totals.days_planned == sum(a[4] or 0 for a in actions)
    assert rollup.totals.budget_planned == sum(a[5] or 0 for a in actions)
    assert rollup.totals.spent_actual == sum(a[7] or 0 for a in actions)
    assert rollup.pending.actions == sum("(en attente)" in a[1] for a in actions)
    assert [a.code for a in rollup.axes] == ["1", "2"]
    assert rollup.axes[0].budget_planned == 5000 + 2000

    frame = motxl.actions_frame(programme)
    assert list(frame["label"]) == [a[1] for a in actions]
    assert list(frame["code"]) == [a[0] for a in actions]
    assert frame["days_planned"].tolist() == [float(a[4] or 0) for a in actions]
    assert frame["pending"].tolist() == [int("(en attente)" in a[1]) for a in actions]
    assert frame["funding"].tolist()[2] == "Marché public"  # from the label
    assert frame["borders"].tolist()[0] == ["FR-DE"]
    assert frame["institutions"].tolist()[3] == ["CE"]
    assert frame["comment"].tolist()[3] == "voir la convention"


def test_frame_flags_at_the_situation_date(workbook: Path) -> None:
    programme = motxl.load(workbook)
    actions = _actions()
    before = motxl.actions_frame(programme, as_of=dt.date(2023, 6, 29))
    after = motxl.actions_frame(programme, as_of=dt.date(2023, 7, 1))
    # Only the first action has a deadline (30/06/2023) and it is "En cours", not done.
    assert before["late"].tolist() == [False] * len(actions)
    assert after["late"].tolist() == [True] + [False] * (len(actions) - 1)
    assert before["due_soon"].tolist()[0] and not after["due_soon"].tolist()[0]
    assert after["state"].tolist()[1] == "pending"  # "(en attente)": amber whatever the date
    assert "late" not in motxl.actions_frame(programme).columns


def test_compare_two_versions(workbook: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = book["Programme"]
    sheet.cell(row=4, column=2).value = "FR-DE / Assemblée générale annuelle"  # reworded
    sheet.delete_rows(9)  # "Étude de suivi" (the last row) removed
    newer = tmp_path / "v2.xlsx"
    book.save(newer)
    changes = motxl.compare(motxl.load(workbook), motxl.load(newer))
    assert isinstance(changes, motxl.Changes)
    by_status: dict[str, list[str]] = {}
    for change in changes.actions:
        label = (change.new or change.old).label
        by_status.setdefault(change.status, []).append(label)
    assert by_status["removed"] == ["Étude de suivi"]
    assert by_status["relabelled"] == ["FR-DE / Assemblée générale annuelle"]
