"""motxl report on the bundled workbook, checked against its text sources and an independent
reader: the seed gives each action row's code, example-figures.tsv its euros and days."""

from __future__ import annotations

import csv
import re
from collections import defaultdict

import pytest

from tests.conftest import ROOT
from tests.faces.test_batch import key_figures, sheet_rows, suivi_actions

WORKBOOK = ROOT / "workbook" / "Programme2023.xlsm"
SOURCE = ROOT / "workbook" / "source"
BORDER = re.compile(r"(?<![\w-])((?:FR(?:-[A-Z]{2,3})+)|OM)\s*/")


@pytest.fixture(scope="module")
def expected():
    """Per axis and per border tag: (actions, planned euros, planned days), from the sources."""
    seed = (SOURCE / "programme-seed.txt").read_text(encoding="utf-8").splitlines()
    with open(SOURCE / "example-figures.tsv", encoding="utf-8", newline="") as handle:
        figures = {int(r["Ligne"]): r for r in csv.DictReader(handle, delimiter="\t")}
    by_axis, by_border = defaultdict(lambda: [0, 0.0, 0.0]), defaultdict(lambda: [0, 0.0, 0.0])
    seen = set()
    for number, line in enumerate(seed, 1):
        if "\t" not in line or line.startswith("Axe\t"):
            continue
        code, label = line.split("\t", 1)
        code = code.rstrip(".")
        if code not in seen:
            seen.add(code)
            continue
        row = figures.get(number, {})
        values = (1, float(row.get("Budget prévu (€)") or 0), float(row.get("Jours prévus") or 0))
        targets = [by_axis[code.split(".")[0]]]
        targets += [by_border[tag] for tag in dict.fromkeys(BORDER.findall(label))]
        for target in targets:
            for i, value in enumerate(values):
                target[i] += value
    return by_axis, by_border


def test_by_axis_and_by_border_on_the_bundled_workbook(tmp_path, cli, expected):
    by_axis, by_border = expected
    out = tmp_path / "rapports"
    result = cli("report", WORKBOOK, "--by", "axis", "--by", "border", "-o", out)
    assert result.code == 0, result.err
    assert sorted(by_axis) == ["1", "2", "3"] and len(by_border) == 8
    files = {f"Axe-{axis}.xlsx": want for axis, want in by_axis.items()}
    files.update({f"Frontiere-{tag}.xlsx": want for tag, want in by_border.items()})
    for name, (actions, euros, days) in files.items():
        figures = key_figures(out / name)
        assert figures["Actions"] == actions, name
        assert figures["Budget prévu (€)"] == pytest.approx(euros), name
        assert figures["Jours prévus"] == pytest.approx(days), name
        assert len(suivi_actions(out / name)) == actions
    index = sheet_rows(out / "index.xlsx", sheet_rows_first_sheet(out / "index.xlsx"))
    listed = {cell for row in index for cell in row if isinstance(cell, str)
              and cell.endswith(".xlsx")}
    assert listed == set(files)
    assert all((out / name).is_file() for name in listed)


def sheet_rows_first_sheet(path):
    import python_calamine

    return python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names[0]
