"""motxl compare on two versions of the seed whose differences are known from the edit list."""

from __future__ import annotations

import json

import pytest

from motxl.core.compare import compare
from motxl.workbooks.reading import read_programme
from tests.compare.versions import LABEL, edited_seed


@pytest.fixture
def pair(tmp_path):
    version = edited_seed()
    old, new = version.save(tmp_path)
    return version, old, new


def test_every_action_gets_the_status_of_its_edit(pair):
    version, old, new = pair
    changes = compare(read_programme(old), read_programme(new))
    expected = version.expected
    by_old_row = {c.old.row: c for c in changes.actions if c.old is not None}
    assert set(by_old_row) == version.action_rows
    for ident in version.action_rows:
        change = by_old_row[ident]
        status = expected.statuses.get(ident, "unchanged")
        assert change.status == status, (ident, version.old(ident)[LABEL])
        if status == "removed":
            assert change.new is None
            continue
        assert change.new.row == version.new_row_of(ident)  # paired with the right row
        if ident in expected.new_codes:
            assert change.new.code == expected.new_codes[ident]
        assert {f.field for f in change.changes} == expected.fields.get(ident, set()), ident
    added = [c.new.label for c in changes.actions if c.status == "added"]
    assert sorted(added) == sorted(expected.added)
    counts = changes.counts
    assert counts["removed"] == 3 and counts["relabelled"] == 2 and counts["changed"] == 2
    assert counts["moved"] == 2 + len([i for i, code in expected.new_codes.items()
                                      if i not in (66, 59)])
    assert counts["unchanged"] == len(version.unchanged())


def test_headings_renumbered_and_added(pair):
    version, old, new = pair
    changes = compare(read_programme(old), read_programme(new))
    statuses = {(h.new or h.old).code: h.status for h in changes.headings
                if h.status != "unchanged"}
    assert statuses == version.expected.headings
    moved = {h.new.code: h.old.code for h in changes.headings if h.status == "moved"}
    assert moved["3.4"] == "3.3" and moved["3.5"] == "3.4" and moved["3.4.2"] == "3.3.2"


def test_a_version_compared_with_itself_is_unchanged(pair):
    _, old, _ = pair
    programme = read_programme(old)
    changes = compare(programme, read_programme(old))
    assert changes.counts["unchanged"] == len(programme.actions) == 83
    assert all(h.status == "unchanged" for h in changes.headings)


def test_json_shape_and_deltas(pair, cli):
    version, old, new = pair
    result = cli("compare", old, new, "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["old"] == {"source": str(old), "sheet": "Programme", "year": 2023,
                           "actions": 83}
    assert data["new"]["actions"] == 83 - 3 + 2
    assert set(data["counts"]) == {"unchanged", "changed", "moved", "relabelled", "added",
                                   "removed"}
    relabelled = [a for a in data["actions"] if a["status"] == "relabelled"]
    first = next(a for a in relabelled if a["old"]["cell"] == "B7")
    assert first["new"]["label"] == version.row(7)[LABEL]
    assert 0.7 <= first["similarity"] < 1
    assert {"field": "label", "old": version.old(7)[LABEL], "new": version.row(7)[LABEL]} \
        in first["changes"]
    changed = next(a for a in data["actions"] if a["old"] and a["old"]["cell"] == "B17")
    assert sorted(changed["changes"], key=lambda c: c["field"]) == [
        {"field": "budget_planned", "old": 7200, "new": 9000},
        {"field": "days_planned", "old": 12, "new": 15}]
    added = [a for a in data["actions"] if a["status"] == "added"]
    assert all(a["old"] is None and a["similarity"] is None for a in added)
    # Deltas: recomputed from the edit list's own figures.
    old_rows = [version.old(i) for i in version.action_rows]
    new_rows = version.new_rows()
    totals = data["deltas"]["totals"]
    assert totals["old"]["budget_planned"] == sum(r[5] or 0 for r in old_rows)
    delta = (9000 - 7200) - version.old(44)[5] - version.old(111)[5] - version.old(14)[5] \
        + 3000 + 2400
    assert totals["new"]["budget_planned"] - totals["old"]["budget_planned"] == delta
    axis1 = next(a for a in data["deltas"]["axes"] if a["code"] == "1")
    assert axis1["new"]["actions"] - axis1["old"]["actions"] == 1 - 2  # one added, two removed
    assert axis1["new"]["days_planned"] - axis1["old"]["days_planned"] == \
        3 + 5 - version.old(44)[4] - version.old(14)[4]
    fundings = {f["funding"]: f for f in data["deltas"]["fundings"]}
    # Axis 3 loses one action and gains one (both take the axis' funding, Sur-mesure).
    assert fundings["Sur-mesure"]["new"]["actions"] == fundings["Sur-mesure"]["old"]["actions"]
    assert fundings["Socle"]["new"]["budget_planned"] - fundings["Socle"]["old"][
        "budget_planned"] == (9000 - 7200) - version.old(44)[5] - version.old(14)[5] + 3000
    assert len(new_rows) == len(version.old_rows) - 2 - 2 + 4  # 2 actions, 1.1.3 and its action; 4 rows in


def test_text_output_names_each_change(pair, cli):
    version, old, new = pair
    result = cli("compare", old, new)
    assert result.code == 0, result.err
    out = result.out
    assert "ajoutées : 2" in out and "supprimées : 3" in out
    assert "renommé : 2.1.3 « Médiatisation des enjeux transfrontaliers » → 2.1.3" in out
    assert "supprimé : 1.1.3 « Participation et animation" in out
    assert "Préparation d'un colloque sur les hôpitaux transfrontaliers" in out
    assert "Budget prévu : 7\u202f200 → 9\u202f000" in out
    assert "renuméroté : 3.3 → 3.4 « RESOUDRE LES OBSTACLES" in out


def test_unusable_file_is_exit_2(pair, cli, tmp_path):
    _, old, _ = pair
    missing = tmp_path / "absent.xlsx"
    result = cli("compare", old, missing)
    assert result.code == 2
    assert result.err.startswith("motxl : ") and "Traceback" not in result.err
    bad = tmp_path / "faux.xlsx"
    bad.write_text("pas un classeur")
    assert cli("compare", bad, old).code == 2
    assert cli("compare", old, old, "-o", tmp_path / "out.csv").code == 2
    assert not (tmp_path / "out.csv").exists()


def test_comparison_workbook(pair, cli, tmp_path):
    version, old, new = pair
    # The old version on a sheet of another name, as last year's file may have it.
    from motxl.workbooks.writing import save_sheets

    renamed = tmp_path / "2022.xlsx"
    save_sheets(renamed, {"Notes": [["rien"]], "Prog 2022": version.old_rows})
    out = tmp_path / "comparaison.xlsx"
    result = cli("compare", renamed, new, "--sheet-old", "Prog 2022", "-o", out)
    assert result.code == 0, result.err
    assert f"Comparaison écrite dans {out}." in result.out

    import openpyxl

    book = openpyxl.load_workbook(out)
    sheet = book["Comparaison"]
    assert book.sheetnames == ["Comparaison"]
    assert sorted(sheet.tables) == ["Comparaison_added", "Comparaison_changed",
                                    "Comparaison_moved", "Comparaison_relabelled",
                                    "Comparaison_removed", "Comparaison_rubriques"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    counts = {r[0]: r[1] for r in rows if r[0] in ("Inchangées", "Ajoutées", "Supprimées",
                                                   "Déplacées", "Reformulées", "Modifiées")}
    assert counts == {"Inchangées": len(version.unchanged()), "Modifiées": 2,
                      "Déplacées": counts["Déplacées"], "Reformulées": 2, "Ajoutées": 2,
                      "Supprimées": 3}
    added = sheet.tables["Comparaison_added"].ref
    first, last = added.split(":")
    labels = [sheet[f"B{r}"].value for r in range(int(first[1:]) + 1, int(last[1:]) + 1)]
    assert sorted(labels) == sorted(version.expected.added)
    axis_3 = next(r for r in rows if r[0] == "Axe 3")
    assert axis_3[2:5] == [28, 28, 0]  # actions: old, new, difference (one out, one in)
    assert sheet.print_title_rows == "$1:$1"
    assert "2022.xlsx" in rows[1][0] and "Prog 2022" in rows[1][0]
