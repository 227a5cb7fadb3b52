"""Roll-up: exact sums at every level on known figures, and reconciliation on random programmes."""

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from motxl.core.grid import Grid
from motxl.core.parse import parse_programme
from motxl.core.rollup import NO_FUNDING, NO_PERSON, roll_up
from motxl.workbooks.reading import read_programme
from tests.conftest import HEADER

# code, label, person, funding, days planned, budget planned, days actual, spent, status, deadline
KNOWN = [
    ["1", "[SOCLE] AXE 1"],
    ["1.1", "OBJ 1.1"],
    ["1.1.1", "SO 1.1.1"],
    ["1.1.1", "FR-DE / A1", "Anne", None, 2, 1000, 1, 400, "En cours", dt.date(2023, 3, 1)],
    ["1.1.1", "A2 (en attente)", "Paul", None, 3.5, 2500.5, None, None, "À lancer"],
    ["1.1.2", "SO 1.1.2"],
    ["1.1.2", "<i>Marché public - FR-DE / A3</i>", "Anne", None, 4, 8000, 4, 8000, "Réalisé"],
    ["1.2", "OBJ 1.2"],
    ["1.2", "OM / A4", None, "Sur-mesure", 1, 100, 2, 150, "En attente"],
    ["2", "[SUR-MESURE] AXE 2"],
    ["2.1", "OBJ 2.1"],
    ["2.1.1", "SO 2.1.1"],
    ["2.1.1", "A5", "Paul", "Socle", 10, 5000, 0, 0, None],
    ["2.1.2", "SO 2.1.2 sans action"],
]


def by_code(items):
    return {item["code"]: item for item in items}


def test_exact_sums_at_every_level(make_programme, cli):
    result = cli("summary", make_programme(KNOWN), "--format", "json", "--as-of", "30/06/2023")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["totals"] == {"actions": 5, "pending": 2, "abandoned": 0, "late": 1,
                              "days_planned": 20.5, "days_actual": 7,
                              "budget_planned": 16600.5, "spent_actual": 8550,
                              "days_abandoned": 0, "budget_abandoned": 0,
                              "days_remaining": 13.5, "budget_remaining": 8050.5,
                              "days_rate": round(7 / 20.5, 6),
                              "budget_rate": round(8550 / 16600.5, 6)}
    axes = by_code(data["axes"])
    assert (axes["1"]["actions"], axes["1"]["budget_planned"], axes["1"]["funding"]) == \
        (4, 11600.5, "Socle")
    assert (axes["2"]["actions"], axes["2"]["days_planned"], axes["2"]["funding"]) == \
        (1, 10, "Sur-mesure")
    objectives = by_code(data["objectives"])
    assert objectives["1.1"]["actions"] == 3 and objectives["1.1"]["spent_actual"] == 8400
    assert objectives["1.2"]["actions"] == 1 and objectives["1.2"]["days_actual"] == 2
    subs = by_code(data["sub_objectives"])
    assert subs["1.1.1"]["budget_planned"] == 3500.5 and subs["1.1.2"]["actions"] == 1
    assert subs["2.1.2"]["actions"] == 0 and subs["2.1.2"]["budget_rate"] is None
    funding = data["by_funding"]
    assert list(funding) == ["Socle", "Sur-mesure", "Marché public"]
    assert funding["Socle"]["actions"] == 3  # A1, A2 from the axis tag; A5 from its cell
    assert funding["Socle"]["budget_planned"] == 1000 + 2500.5 + 5000
    assert funding["Sur-mesure"]["budget_planned"] == 100
    assert funding["Marché public"]["spent_actual"] == 8000
    assert data["by_border"]["FR-DE"]["actions"] == 2 and data["by_border"]["OM"]["actions"] == 1
    assert data["by_status"]["Non renseigné"]["actions"] == 1
    assert data["by_person"]["Anne"]["budget_planned"] == 9000
    assert data["by_person"][NO_PERSON]["actions"] == 1
    assert data["pending"]["actions"] == 2 and data["pending"]["budget_planned"] == 2600.5


def test_seed_summary_counts(seed_workbook, cli):
    data = json.loads(cli("summary", seed_workbook, "--format", "json").out)
    assert data["totals"]["actions"] == 83
    assert [a["actions"] for a in data["axes"]] == [27, 28, 28]
    assert set(data["by_border"]) == {"FR-BE", "FR-CH", "FR-DE", "FR-ES", "FR-IT", "FR-IT-MC",
                                      "FR-LU", "OM"}


def test_summary_text(seed_workbook, cli):
    result = cli("summary", seed_workbook)
    assert result.code == 0 and "Total" in result.out and "Axe 3" in result.out


codes = st.sampled_from(["1", "1.1", "1.1.1", "1.1.2", "1.2", "2", "2.1", "2.1.1", "3", "3.1",
                         "9.9.9", "x"])
amount = st.one_of(st.none(), st.integers(0, 10_000), st.floats(0, 1e6), st.just(-5))
funding = st.sampled_from([None, "Socle", "Sur-mesure", "Marché public", "socle", "FEDER"])
rows = st.lists(st.tuples(codes, st.sampled_from(["[SOCLE] X", "[SUR-MESURE] Y", "Z",
                                                  "Marché public - A", "FR-DE / B", ""]),
                          st.sampled_from([None, "Anne", "Paul"]), funding,
                          amount, amount, amount, amount,
                          st.sampled_from([None, "En attente", "Réalisé", "Abandonné", "??"]),
                          st.sampled_from([None, dt.date(2023, 3, 1), dt.date(2023, 11, 1)])),
                 max_size=60)
AS_OF = dt.date(2023, 6, 30)
#: Every figure of a roll-up row, the derived ones (remaining) included.
ALL_FIELDS = ("actions", "pending", "abandoned", "late", "days_planned", "days_actual",
              "budget_planned", "spent_actual", "days_abandoned", "budget_abandoned",
              "days_remaining", "budget_remaining")


@settings(max_examples=120, deadline=None)
@given(rows=rows)
def test_reconciliation(rows):
    grid = Grid("Programme", [list(HEADER)] + [list(r) for r in rows])
    programme = parse_programme(grid)
    rollup = roll_up(programme, AS_OF)
    fields = ALL_FIELDS

    def close(a, b):
        return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))

    def own(a, name):
        """What one action adds to a figure, from the test's own reading of the action."""
        dropped = a.status == "Abandonné"
        planned_days, planned_budget = a.days_planned or 0, a.budget_planned or 0
        if name in ("days_planned", "days_actual", "budget_planned", "spent_actual"):
            return getattr(a, name) or 0
        return {"actions": 1, "pending": int(a.pending), "abandoned": int(dropped),
                "late": int(a.deadline is not None and a.deadline < AS_OF
                            and a.status not in ("Réalisé", "Abandonné")),
                "days_abandoned": planned_days if dropped else 0,
                "budget_abandoned": planned_budget if dropped else 0,
                "days_remaining": planned_days - (a.days_actual or 0),
                "budget_remaining": planned_budget - (a.spent_actual or 0),
                }[name]

    for name in fields:  # the totals are the sums over the actions
        assert close(getattr(rollup.totals, name), sum(own(a, name) for a in programme.actions))
        active = [a for a in programme.actions if a.status != "Abandonné"]
        assert close(getattr(rollup.active, name), sum(own(a, name) for a in active))

    for name in fields:
        total = getattr(rollup.totals, name)
        assert close(sum(getattr(a, name) for a in rollup.axes), total)
        assert close(sum(getattr(f, name) for f in rollup.by_funding.values()), total)
        assert close(sum(getattr(f, name) for f in rollup.by_status.values()), total)
        assert close(sum(getattr(f, name) for f in rollup.by_person.values()), total)
        for axis in rollup.axes:  # an axis = its objectives + actions hanging from it directly
            direct = [a for a in programme.actions if a.axis == axis.code and not a.objective]
            objectives = [o for o in rollup.objectives if o.code.split(".")[0] == axis.code]
            direct_sum = sum(own(a, name) for a in direct)
            assert close(sum(getattr(o, name) for o in objectives) + direct_sum,
                         getattr(axis, name))
            assert close(sum(getattr(f, name) for f in axis.by_funding.values()),
                         getattr(axis, name))
        for objective in rollup.objectives:  # an objective = its sub-objectives + its own
            direct = [a for a in programme.actions
                      if a.objective == objective.code and not a.sub_objective]
            subs = [o for o in rollup.sub_objectives
                    if o.code.rsplit(".", 1)[0] == objective.code]
            assert close(sum(getattr(o, name) for o in subs)
                         + sum(own(a, name) for a in direct), getattr(objective, name))
    assert rollup.totals.actions == len(programme.actions)
    assert NO_FUNDING not in rollup.by_funding or rollup.by_funding[NO_FUNDING].actions > 0


def test_rollup_matches_pandas_groupby_on_sample():
    """An independent oracle: pandas groupby over actions_frame gives the same sums."""
    from motxl.core.rollup import actions_frame
    from motxl.workbooks.sample import sample_rows

    programme = parse_programme(Grid("Programme", sample_rows(3000, persons=17)))
    rollup = roll_up(programme)
    frame = actions_frame(programme)
    fields = ["actions", "pending", "days_planned", "days_actual", "budget_planned",
              "spent_actual"]
    expected_person = frame.groupby("person")[fields].sum()
    for key, mapping in (("person", rollup.by_person), ("status", rollup.by_status),
                         ("funding", rollup.by_funding)):
        expected = frame.groupby(key)[fields].sum()
        assert set(expected.index) == set(mapping)
        for name, figures in mapping.items():
            for field in fields:
                assert abs(getattr(figures, field) - expected.loc[name, field]) < 1e-6
    dropped = frame[frame["status"] == "Abandonné"]
    for name, figures in rollup.by_person.items():  # abandoned amounts, from pandas too
        mine = dropped[dropped["person"] == name]
        assert figures.abandoned == len(mine)
        assert abs(figures.budget_abandoned - mine["budget_planned"].sum()) < 1e-6
        assert abs(figures.budget_remaining - (expected_person.loc[name, "budget_planned"]
                                               - expected_person.loc[name, "spent_actual"])) \
            < 1e-6
    for level, key in ((rollup.axes, "axis"), (rollup.objectives, "objective"),
                       (rollup.sub_objectives, "sub_objective")):
        expected = frame.groupby(key)["budget_planned"].sum()
        for row in level:
            assert abs(row.budget_planned - expected.get(row.code, 0.0)) < 1e-6
