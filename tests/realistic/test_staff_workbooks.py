"""Workbooks edited the way staff edit them: the figures are the builder's, or an error names
the cell. Expected figures come from tests/realistic/staff.py's data, never from motxl's parse."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.realistic import staff
from tests.realistic.staff import LAST_YEAR, STANDARD, Layout, expected, make_plan, write


def summary(cli, path, *extra) -> dict:
    result = cli("summary", path, "--format", "json", *extra)
    assert result.code == 0, result.err
    return json.loads(result.out)


def findings(cli, path, *extra) -> tuple[int, list[dict]]:
    result = cli("validate", path, "--format", "json", *extra)
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)["findings"]


def assert_figures(cli, path, plan) -> dict:
    data = summary(cli, path)
    got, want = staff.figures(data), expected(plan)
    assert got.keys() == want.keys()
    for key in want:
        assert got[key].keys() == want[key].keys(), key
        for name in want[key]:
            assert got[key][name] == pytest.approx(want[key][name]), (key, name)
    return data


def errors(found: list[dict]) -> list[dict]:
    return [f for f in found if f["severity"] == "error"]


# ------------------------------------------------------------------------- numeric codes

@pytest.mark.parametrize("layout", [Layout(numeric_codes=True), Layout(noisy_codes=True)],
                         ids=["general-cells", "formula-float-noise"])
def test_numeric_codes_give_the_text_figures_with_at_most_a_warning(tmp_path, cli, layout):
    plan = make_plan(objectives=9)
    path = write(tmp_path / "numeric.xlsx", plan, layout)
    assert_figures(cli, path, plan)
    code, found = findings(cli, path)
    assert code == 0 and not errors(found)
    assert [f["rule"] for f in found if f["severity"] == "warning"] == ["code-number"]


def test_objective_1_10_typed_as_a_number_is_an_error_on_its_cell(tmp_path, cli):
    plan = make_plan(objectives=10)
    layout = Layout(numeric_codes=True)
    path = write(tmp_path / "dix.xlsx", plan, layout)
    heading = plan.rows.index(("1.10", "OBJECTIF 1.10"))
    code, found = findings(cli, path)
    assert code == 1
    cells = {f["cell"] for f in errors(found) if f["rule"] == "code-number-ambiguous"}
    assert layout.cell(heading, "Axe") in cells
    message = next(f["message"] for f in found if f["cell"] == layout.cell(heading, "Axe"))
    assert "format Texte" in message
    # the heading row of 1.10 never becomes an action of 1.1
    data = summary(cli, path)
    one_one = next(o for o in data["objectives"] if o["code"] == "1.1")
    assert one_one["actions"] == expected(plan)["objectives"]["1.1"]["actions"]


def test_text_codes_with_leading_zeros_or_spaces_are_findings(tmp_path, cli):
    plan = make_plan(objectives=3)
    row = plan.rows.index(("1.2", "OBJECTIF 1.2"))
    layout = Layout(overrides={(row, "Axe"): "1.02", (row + 1, "Axe"): "1. 2"})
    path = write(tmp_path / "zeros.xlsx", plan, layout)
    assert_figures(cli, path, plan)
    _, found = findings(cli, path)
    assert {(f["rule"], f["cell"]) for f in found if f["rule"] == "code-respelt"} == {
        ("code-respelt", layout.cell(row, "Axe")), ("code-respelt", layout.cell(row + 1, "Axe"))}


# ------------------------------------------------------------------------------ columns

def test_added_respelt_and_reordered_columns_keep_the_figures(tmp_path, cli):
    plan = make_plan()
    layout = staff.respelt(staff.with_columns(Layout(), LAST_YEAR,
                                              order=[9, 1, 7, 0, 8, 4, 2, 3, 5, 6, 10]))
    path = write(tmp_path / "colonnes.xlsx", plan, layout)
    assert_figures(cli, path, plan)
    code, found = findings(cli, path)
    assert code == 0
    ignored = {f["cell"] for f in found if f["rule"] == "column-ignored"}
    assert ignored == {layout.cell(-1, "Budget prévu 2023 (€)"),
                       layout.cell(-1, "Budget prévu TTC (€)")}


def test_last_years_budget_alone_is_not_this_years(tmp_path, cli):
    plan = make_plan()
    columns = [c for c in STANDARD if c.header != "Budget prévu (€)"] + LAST_YEAR[:1]
    path = write(tmp_path / "ancien.xlsx", plan, Layout(columns=columns))
    data = summary(cli, path)
    assert data["totals"]["budget_planned"] == 0  # nothing read from "Budget prévu 2023 (€)"
    _, found = findings(cli, path)
    assert any(f["rule"] == "column-ignored" for f in found)


def test_a_duplicated_optional_column_is_an_error_and_the_first_is_read(tmp_path, cli):
    plan = make_plan()
    twin = replace(STANDARD[4], value=lambda a: 1.0)  # a second "Budget prévu (€)", after
    layout = Layout(columns=[*STANDARD, twin])
    path = write(tmp_path / "double.xlsx", plan, layout)
    assert_figures(cli, path, plan)
    code, found = findings(cli, path)
    dup = [f for f in found if f["rule"] == "column-duplicate"]
    assert code == 1 and len(dup) == 1 and "E1" in dup[0]["message"] and "I1" in \
        dup[0]["message"]


def test_a_duplicated_code_column_is_refused_naming_both_cells(tmp_path, cli):
    plan = make_plan()
    layout = Layout(columns=[*STANDARD, replace(STANDARD[0], header="Code")])
    path = write(tmp_path / "deux-codes.xlsx", plan, layout)
    result = cli("validate", path)
    assert result.code == 2
    assert "A1" in result.err and "I1" in result.err and "« Code »" in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


# ------------------------------------------------------------------- year, title, rows

def test_title_row_above_a_libelle_header_gives_the_year(tmp_path, cli):
    plan = make_plan()
    late = plan.actions[0]
    plan.rows[plan.rows.index(late)] = replace(late, deadline=staff.dt.date(2023, 5, 2))
    layout = staff.respelt(Layout(title=f"Programme de travail {staff.YEAR}"))
    path = write(tmp_path / "titre.xlsx", plan, layout)
    data = summary(cli, path)
    assert (data["year"], data["year_source"]) == (staff.YEAR, "title")
    _, found = findings(cli, path)
    row = plan.rows.index(replace(late, deadline=staff.dt.date(2023, 5, 2)))
    assert [f["cell"] for f in found if f["rule"] == "deadline-invalid"] == [
        layout.cell(row, "Échéance")]
    assert summary(cli, path, "--year", "2023")["year_source"] == "option"


def test_no_year_anywhere_skips_the_deadline_check_and_says_why(tmp_path, cli):
    plan = make_plan()
    layout = staff.respelt(Layout(sheet="Feuil1"))
    path = write(tmp_path / "sans-annee.xlsx", plan, layout)
    data = summary(cli, path, "--sheet", "Feuil1")
    assert (data["year"], data["year_source"]) == (None, "none")
    _, found = findings(cli, path, "--sheet", "Feuil1")
    assert [f["rule"] for f in found if f["severity"] == "info"] == ["year-unknown"]
    assert not any(f["rule"] == "deadline-invalid" for f in found)


@pytest.mark.parametrize("source,name", [("sheet", "Programme 2025"), ("file", "Programme")])
def test_year_from_sheet_or_file_name(tmp_path, cli, source, name):
    plan = make_plan()
    layout = staff.respelt(Layout(sheet=name))
    path = write(tmp_path / "prog-2025.xlsx", plan, layout)
    data = summary(cli, path, "--sheet", name)
    assert (data["year"], data["year_source"]) == (2025, source)


def test_hidden_and_filtered_rows_still_count(tmp_path, cli):
    plan = make_plan()
    layout = Layout(hidden=(2, 3, 5), autofilter=True)
    path = write(tmp_path / "masquees.xlsx", plan, layout)
    assert_figures(cli, path, plan)


def test_people_spelt_three_ways_are_one_person(tmp_path, cli):
    plan = make_plan(objectives=3, actions_per=3)
    acts = [a for a in plan.actions if a.person == "Claire Dubois"][:3]
    assert len(acts) == 3
    for act, spelling in zip(acts[1:], ["claire  DUBOIS ", "Claire\u00a0Dubois"]):
        plan.rows[plan.rows.index(act)] = replace(act, spelling=spelling)
    path = write(tmp_path / "noms.xlsx", plan)
    data = assert_figures(cli, path, plan)
    assert "Claire Dubois" in data["by_person"]
    _, found = findings(cli, path)
    spelling = [f for f in found if f["rule"] == "person-spelling"]
    assert len(spelling) == 1 and spelling[0]["severity"] == "warning"
    assert "claire  DUBOIS" in spelling[0]["message"] or "claire DUBOIS" in \
        spelling[0]["message"]


# ---------------------------------------------------------- cells that hide figures

def test_error_cell_with_a_long_formula_is_found(tmp_path, cli):
    plan = make_plan()
    row = plan.rows.index(plan.actions[1])
    long_formula = "=IF(" + "+".join(["0"] * 400) + "=0,1/0,0)"
    assert len(long_formula) > 800
    layout = Layout(overrides={(row, "Budget prévu (€)"): ("formula", long_formula,
                                                           "#DIV/0!")})
    path = write(tmp_path / "erreur.xlsx", plan, layout)
    code, found = findings(cli, path)
    assert code == 1
    assert [(f["rule"], f["cell"]) for f in errors(found)] == [
        ("cell-error", layout.cell(row, "Budget prévu (€)"))]


def test_formula_with_a_stored_result_counts(tmp_path, cli):
    plan = make_plan()
    act = plan.actions[0]
    row = plan.rows.index(act)
    layout = Layout(overrides={(row, "Budget prévu (€)"): ("formula", f"={act.budget}/2*2",
                                                           act.budget)})
    path = write(tmp_path / "formule.xlsx", plan, layout)
    assert_figures(cli, path, plan)


def test_formula_without_stored_result_is_an_error_in_an_amount_column(tmp_path, cli):
    plan = make_plan()
    act = plan.actions[0]
    row = plan.rows.index(act)
    layout = Layout(overrides={(row, "Budget prévu (€)"): ("formula", f"={act.budget}/2*2",
                                                           None),
                               (row + 1, "PROGRAMME 2024 - projet"):
                                   ("formula", '="Action "&"calculée"', None)})
    path = staff.openpyxl_copy(staff.plain_rows(plan, layout), tmp_path / "programme.xlsx")
    code, found = findings(cli, path)
    assert code == 1
    by_rule = {(f["rule"], f["cell"]) for f in found}
    assert ("formula-no-result", layout.cell(row, "Budget prévu (€)")) in by_rule
    assert ("formula-no-result-text", layout.cell(row + 1, "PROGRAMME 2024 - projet")) in \
        by_rule
    message = next(f["message"] for f in found if f["rule"] == "formula-no-result")
    assert "enregistrez" in message


def test_empty_programmes_warn_and_keep_their_exit_codes(tmp_path, cli):
    headings_only = staff.Plan([("1", "[SOCLE] AXE 1"), ("1.1", "OBJECTIF")])
    for name, plan in (("entete.xlsx", staff.Plan([])), ("rubriques.xlsx", headings_only)):
        path = write(tmp_path / name, plan)
        code, found = findings(cli, path)
        assert code == 0
        assert [f["rule"] for f in found if f["severity"] == "warning"] == ["programme-empty"]
        assert summary(cli, path)["totals"]["actions"] == 0
        out = tmp_path / (name + "-out.xlsx")
        assert cli("refresh", path, "-o", out).code == 0


# ---------------------------------------------------------------------- LibreOffice

@pytest.mark.libreoffice
def test_libreoffice_saved_files_give_the_same_figures(tmp_path, cli):
    if staff.soffice() is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé")
    plan = make_plan(objectives=9)
    act = plan.actions[0]
    row = plan.rows.index(act)
    layout = staff.with_columns(Layout(numeric_codes=True, title="Programme de travail 2024",
                                       hidden=(4,),
                                       overrides={(row, "Budget prévu (€)"):
                                                  ("formula", f"={act.budget}/4*4",
                                                   act.budget)}),
                                LAST_YEAR)
    original = write(tmp_path / "collegue.xlsx", plan, layout)
    saved = staff.libreoffice_save(original, tmp_path / "lo", tmp_path / "lo-profile")
    # LibreOffice keeps the formula and saves its result
    assert_figures(cli, saved, plan)
    code, found = findings(cli, saved)
    assert code == 0, [f for f in found if f["severity"] == "error"]


@pytest.mark.libreoffice
def test_libreoffice_stores_the_results_a_program_left_out(tmp_path, cli):
    if staff.soffice() is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé")
    plan = make_plan()
    act = plan.actions[0]
    row = plan.rows.index(act)
    layout = Layout(overrides={(row, "Budget prévu (€)"): ("formula", f"={act.budget}/2*2",
                                                           None)})
    written = staff.openpyxl_copy(staff.plain_rows(plan, layout), tmp_path / "programme.xlsx")
    assert findings(cli, written)[0] == 1
    saved = staff.libreoffice_save(written, tmp_path / "lo", tmp_path / "lo-profile")
    assert_figures(cli, saved, plan)
