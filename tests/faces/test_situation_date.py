"""The situation date on real files: the DateSituation cell, --as-of over it, today without it,
French errors for dates that cannot be read, and the bundled workbook's 2023 story."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from tests.conftest import HEADER, ROOT

BUNDLED = ROOT / "workbook" / "Programme2023.xlsm"
ROWS = [
    ["1", "[SOCLE] AXE 1"],
    ["1.1", "OBJ"],
    ["1.1", "Late on 31/10", "Anne", None, 2, 100, 1, 50, "En cours", dt.date(2023, 10, 30)],
    ["1.1", "Due on 31/10", "Anne", None, 2, 100, 1, 50, "En cours", dt.date(2023, 10, 31)],
    ["1.1", "Due in June", "Paul", None, 2, 100, None, None, "À lancer", dt.date(2023, 6, 30)],
]


def programme_book(*title_rows: list) -> openpyxl.Workbook:
    """A programme for openpyxl (another writer than motxl's): title rows, header, ROWS."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Programme"
    for row in (*title_rows, HEADER, *ROWS):
        sheet.append(row)
    return book


def workbook_with_date(tmp_path: Path, value, name: str = "DateSituation") -> Path:
    """A programme with a named date cell above the header, as a user would add one."""
    book = programme_book(["", "", "Date de situation :", value], [])
    if name:
        book.defined_names[name] = DefinedName(name, attr_text="Programme!$D$1")
    path = tmp_path / f"avec-date-{name or 'sans-nom'}-{value is None}.xlsx"
    book.save(path)
    return path


def summary(cli, path, *extra):
    result = cli("summary", path, "--format", "json", *extra)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_the_named_cell_sets_the_date_and_the_late_count(tmp_path, cli):
    data = summary(cli, workbook_with_date(tmp_path, dt.datetime(2023, 10, 31)))
    assert (data["as_of"], data["as_of_source"]) == ("2023-10-31", "workbook")
    assert data["totals"]["late"] == 2  # due 30/10 and 30/06; the one due on 31/10 is not


def test_the_option_overrides_the_cell_in_both_spellings(tmp_path, cli):
    path = workbook_with_date(tmp_path, dt.datetime(2023, 10, 31))
    for text in ("15/06/2023", "2023-06-15"):
        data = summary(cli, path, "--as-of", text)
        assert (data["as_of"], data["as_of_source"]) == ("2023-06-15", "option")
        assert data["totals"]["late"] == 0


def test_without_cell_nor_option_it_is_today(tmp_path, cli):
    for path in (workbook_with_date(tmp_path, None), workbook_with_date(tmp_path, "", name="")):
        data = summary(cli, path)
        assert data["as_of_source"] == "today"
        assert data["as_of"] == dt.date.today().isoformat()
        assert data["totals"]["late"] == 3  # every deadline is in 2023


@pytest.mark.parametrize("command", ["validate", "summary", "refresh", "report"])
def test_an_unreadable_option_is_exit_2_in_french_and_nothing_written(tmp_path, cli, command):
    path = workbook_with_date(tmp_path, dt.datetime(2023, 10, 31))
    before = path.read_bytes()
    extra = ["--by", "axis", "-o", tmp_path / "rapports"] if command == "report" else []
    result = cli(command, path, "--as-of", "31/13/2023", *extra)
    assert result.code == 2
    assert "Date de situation illisible" in result.err and "31/13/2023" in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
    assert path.read_bytes() == before and not (tmp_path / "rapports").exists()


def test_an_unreadable_cell_is_exit_2_naming_the_cell(tmp_path, cli):
    result = cli("summary", workbook_with_date(tmp_path, "fin octobre"))
    assert result.code == 2 and "cellule DateSituation" in result.err
    assert "fin octobre" in result.err


def test_refresh_titles_and_page_headers_carry_the_date(tmp_path, cli):
    path = workbook_with_date(tmp_path, dt.datetime(2023, 10, 31))
    assert cli("refresh", path).code == 0
    book = openpyxl.load_workbook(path)
    for name in ("Synthèse", "Suivi", "Contrôles"):
        assert book[name]["A2"].value.startswith("Situation au 31/10/2023 — source"), name
    for name in ("Synthèse", "Suivi"):
        header = book[name].oddHeader.right.text or ""
        assert "Situation au 31/10/2023" in header and "&D" not in header, name


def test_the_bundled_workbook_tells_a_2023_story(cli):
    """DateSituation inside 2023, fewer than a quarter of the actions late, the two pending
    actions amber (their state in Suivi), read back from the refreshed file."""
    data = summary(cli, BUNDLED)
    assert data["as_of_source"] == "workbook" and data["as_of"].startswith("2023-")
    actions = data["totals"]["actions"]
    assert 0 < data["totals"]["late"] < actions / 4
    assert data["totals"]["pending"] == 2


def test_the_bundled_workbook_after_actualiser(tmp_path, cli):
    import shutil

    copy = tmp_path / BUNDLED.name
    shutil.copyfile(BUNDLED, copy)
    assert cli("refresh", copy).code == 0
    suivi = openpyxl.load_workbook(copy)["Suivi"]
    rows = list(suivi.iter_rows(values_only=True))
    header_index = next(i for i, r in enumerate(rows) if r[0] == "Axe")
    header = list(rows[header_index])
    body = [r for r in rows[header_index + 1:] if r[0]]
    state = header.index("État")
    late = header.index("En retard")
    assert len(body) == 83
    assert sum(1 for r in body if r[late] == "Oui") < 83 / 4
    labels = header.index("Libellé")
    pending = [r for r in body if "(en attente)" in (r[labels] or "") or r[header.index(
        "Statut")] == "En attente"]
    assert len(pending) == 2 and all(r[state] == "En attente" for r in pending)
    states = {r[state] for r in body}
    assert {"Réalisée", "En retard", "Non démarrée", "En attente"} <= states


def test_a_date_in_the_title_area_is_taken_from_the_programme_read(tmp_path, cli, monkeypatch):
    """The DateSituation cell above the header comes with the programme: the sheet is not
    read a second time (a second python-calamine parse cost 1 s at 100,000 actions)."""
    from motxl.workbooks import situation_cell

    def second_read(*args):
        raise AssertionError("the programme sheet was read a second time")

    monkeypatch.setattr(situation_cell, "read_cell_value", second_read)
    data = summary(cli, workbook_with_date(tmp_path, dt.datetime(2023, 10, 31)))
    assert (data["as_of"], data["as_of_source"]) == ("2023-10-31", "workbook")


@pytest.mark.parametrize("reference", ["Paramètres!$B$2", "Programme!$M$6"],
                         ids=["other-sheet", "beside-the-actions"])
def test_a_date_elsewhere_is_read_where_the_name_points(tmp_path, cli, reference):
    book = programme_book()
    book.create_sheet("Paramètres")["B2"] = dt.datetime(2023, 6, 15)
    book["Programme"]["M6"] = dt.datetime(2023, 6, 15)  # row 6 is an action row; M is past the last column
    book.defined_names["DateSituation"] = DefinedName("DateSituation", attr_text=reference)
    path = tmp_path / "ailleurs.xlsx"
    book.save(path)
    data = summary(cli, path)
    assert (data["as_of"], data["as_of_source"]) == ("2023-06-15", "workbook")
    assert data["totals"]["late"] == 0  # 30/06 is not yet past on 15/06
