"""Property: edits that keep the meaning leave every figure unchanged; edits that can change it
give at least one error naming the cell. Figures expected from the builder's data."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motxl.faces.cli import main
from tests.realistic import staff
from tests.realistic.staff import LAST_YEAR, STANDARD, Layout, expected, make_plan, write

AMOUNTS = ["Jours prévus", "Budget prévu (€)", "Dépenses réalisées (€)"]


def run(capsys, *args) -> tuple[int, dict]:
    code = main([str(a) for a in args])
    out = capsys.readouterr().out
    return code, json.loads(out)


@st.composite
def keeping(draw) -> tuple[staff.Plan, Layout]:
    """A plan and a layout made of meaning-keeping edits, any combination."""
    plan = make_plan(objectives=draw(st.integers(1, 9)), actions_per=draw(st.integers(1, 3)),
                     seed=draw(st.integers(0, 1000)))
    extra = draw(st.lists(st.sampled_from(LAST_YEAR), unique_by=lambda c: c.header))
    columns = STANDARD + extra
    order = draw(st.permutations(range(len(columns))))
    layout = staff.with_columns(Layout(), extra, order=list(order))
    if draw(st.booleans()):
        layout = staff.respelt(layout)
    layout = replace(layout, numeric_codes=draw(st.booleans()),
                     title=draw(st.sampled_from([None, "Programme de travail 2024"])),
                     hidden=tuple(draw(st.sets(st.integers(0, len(plan.rows) - 1),
                                               max_size=3))))
    return plan, layout


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=keeping())
def test_meaning_keeping_edits_leave_every_figure_unchanged(capsys, case):
    plan, layout = case
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "programme.xlsx", plan, layout)
        code, data = run(capsys, "summary", path, "--format", "json")
        assert code == 0
        got, want = staff.flat(staff.figures(data)), staff.flat(expected(plan))
        assert got.keys() == want.keys()
        assert all(abs(got[k] - want[k]) < 1e-6 for k in want), \
            {k: (got[k], want[k]) for k in want if abs(got[k] - want[k]) >= 1e-6}
        code, report = run(capsys, "validate", path, "--format", "json")
        assert code == 0, [f for f in report["findings"] if f["severity"] == "error"]


CHANGES = ["number-ten", "amount-text", "amount-negative", "error-cell", "code-format",
           "status", "duplicate-column", "formula-no-result"]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=keeping(), change=st.sampled_from(CHANGES), data=st.data())
def test_meaning_changing_edits_give_an_error_naming_the_cell(capsys, case, change, data):
    plan, layout = case
    columns = [c.header for c in layout.columns]

    def header(name: str) -> str:
        return name if name in columns else staff.RESPELT[name]

    action_rows = [i for i, r in enumerate(plan.rows) if isinstance(r, staff.Act)]
    row = data.draw(st.sampled_from(action_rows))
    if change == "number-ten":
        plan = make_plan(objectives=10, seed=3)
        layout = replace(layout, numeric_codes=True, overrides={}, hidden=())
        cell = layout.cell(plan.rows.index(("1.10", "OBJECTIF 1.10")), "Axe")
    elif change == "duplicate-column":
        twin = replace(STANDARD[4], value=lambda a: 1.0)
        layout = replace(layout, columns=layout.columns + [twin])
        cell = f"{staff.xlsxwriter.utility.xl_col_to_name(len(layout.columns) - 1)}" \
               f"{layout.header_row()}"
    else:
        target, value = {
            "amount-text": (data.draw(st.sampled_from(AMOUNTS)), "1 234,50"),
            "amount-negative": (data.draw(st.sampled_from(AMOUNTS)), -5),
            "error-cell": (data.draw(st.sampled_from(AMOUNTS)),
                           ("formula", "=IF(" + "+".join(["1"] * 300) + ">0,1/0,0)",
                            "#DIV/0!")),
            "code-format": ("Axe", "1..2"),
            "status": ("Statut", "Terminé"),
            "formula-no-result": (data.draw(st.sampled_from(AMOUNTS + ["Statut"])),
                                  ("formula", "=1+1", None)),
        }[change]
        layout = replace(layout, overrides={(row, header(target)): value})
        cell = layout.cell(row, header(target))
    with tempfile.TemporaryDirectory() as folder:
        if change == "formula-no-result":
            path = staff.openpyxl_copy(staff.plain_rows(plan, replace(layout, title=None)),
                                       Path(folder) / "programme.xlsx")
            cell = replace(layout, title=None).cell(row, header(target))
        else:
            path = write(Path(folder) / "programme.xlsx", plan, layout)
        code, report = run(capsys, "validate", path, "--format", "json")
    assert code == 1
    assert cell in {f["cell"] for f in report["findings"] if f["severity"] == "error"}, \
        (change, cell, [(f["rule"], f["cell"]) for f in report["findings"]])
