"""Properties through real files (tests/core has them on in-memory grids):

* random programmes written by XlsxWriter and read back by motxl: every finding points at a cell
  of the file, read by an independent reader (openpyxl), that fits its rule;
* the totals of ``summary`` equal the test's own bookkeeping of what it wrote, and the reports of
  ``report --by axis`` / ``--by funding`` add up to them;
* mutated workbooks (bytes cut, repeated or inserted in the sheet XML, the shared strings, the
  workbook part; far or broken cell references): every command works or stops with exit 2 and
  one French line; the input is never changed and nothing is left on failure.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motxl.core.checks import validate
from motxl.core.grid import CellError, column_index
from motxl.workbooks.reading import read_programme
from motxl.workbooks.writing import save_sheets
from tests.conftest import HEADER
from tests.trust import builders as b
from tests.trust.harness import listing, sha256
from tests.trust.harness import run_main

FIELDS = ["code", "label", "person", "funding", "days_planned", "budget_planned",
          "days_actual", "spent_actual", "status", "deadline", "comment"]
COLUMN = {name: chr(65 + i) for i, name in enumerate(FIELDS)}
AMOUNTS = ("days_planned", "budget_planned", "days_actual", "spent_actual")
#: More examples: MOTXL_TRUST_EXAMPLES=500 python -m pytest tests/trust/test_properties.py
EXAMPLES = int(os.environ.get("MOTXL_TRUST_EXAMPLES", "0"))
SETTINGS = settings(max_examples=EXAMPLES or 25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])




# --------------------------------------------------------------------------- programmes

good_amount = st.one_of(st.integers(0, 5000), st.floats(0, 1e6, allow_nan=False).map(
    lambda x: round(x, 2)))
bad_amount = st.sampled_from(["1 234,50", "12 %", -3, True, CellError("#REF!"), "abc"])
amount_cell = st.one_of(st.none(), good_amount, bad_amount)
text_cell = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs",)),
                                         max_size=20),
                      st.sampled_from(["=1+1", "@SUM(A1)", "[/b]", "<i>x</i>", "FR-DE / y"]))
status = st.sampled_from([None, "En cours", "Réalisé", "À lancer", "en cours", "Fini"])
funding = st.sampled_from([None, "Socle", "Sur-mesure", "Marché public", "FEDER"])
deadline = st.one_of(st.none(), st.dates(dt.date(2022, 1, 1), dt.date(2024, 12, 31)),
                     st.sampled_from(["31/12/2023", "fin juin"]))


@st.composite
def programmes(draw):
    """Rows under the header, and the test's bookkeeping: per axis and funding, the actions and
    the sums of the amounts a correct reader must count (non-negative numbers only)."""
    rows, expected = [], {}
    axes = draw(st.integers(1, 3))
    for a in range(1, axes + 1):
        tag = draw(st.sampled_from(["[SOCLE] ", "[SUR-MESURE] ", ""]))
        rows.append([str(a), f"{tag}AXE {a}"])
        for o in range(1, draw(st.integers(0, 2)) + 1):
            rows.append([f"{a}.{o}", f"OBJECTIF {a}.{o}"])
            for n in range(draw(st.integers(0, 4))):
                if draw(st.booleans()) and draw(st.booleans()):
                    rows.append([])  # a blank row
                cells = [f"{a}.{o}", draw(text_cell.filter(lambda t: t is None or t.strip()))
                         or f"Action {n}", draw(text_cell), draw(funding),
                         *[draw(amount_cell) for _ in AMOUNTS], draw(status),
                         draw(deadline), draw(text_cell)]
                rows.append(cells)
                figures = expected.setdefault(str(a), {"actions": 0, **{k: 0.0 for k in AMOUNTS}})
                figures["actions"] += 1
                for name, value in zip(AMOUNTS, cells[4:8]):
                    if isinstance(value, (int, float)) and not isinstance(value, bool) \
                            and value >= 0:
                        figures[name] += value
    return rows, expected


def _write(folder: Path, rows) -> Path:
    path = folder / "programme.xlsx"
    save_sheets(path, {"Programme": [list(HEADER)] + rows})
    return path


@pytest.fixture
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("prop")


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def _file_cells(path: Path) -> dict[str, object]:
    """Every cell of the Programme sheet read by openpyxl (cached values; errors as text)."""
    import openpyxl

    sheet = openpyxl.load_workbook(path, data_only=True)["Programme"]
    return {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row
            if cell.value is not None}


SHEET_RULES = {"programme-empty", "year-unknown", "column-duplicate", "column-ignored"}


def _fits(rule: str, column: str, value, row_values: dict[str, object]) -> bool:
    """Whether the file's cell fits the finding's rule."""
    field = next((f for f, c in COLUMN.items() if c == column), None)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if rule in SHEET_RULES:
        return value is not None  # a header cell
    if rule in ("code-number", "code-number-ambiguous", "code-respelt"):
        return field == "code" and value is not None
    if rule == "person-spelling":
        return field == "person" and value is not None
    if rule == "blank-row":
        return not row_values
    if rule == "cell-error":
        return isinstance(value, str) and value.startswith("#")
    if rule in ("code-missing",):
        return field == "code" and value is None and bool(row_values)
    if rule == "label-missing":
        return field == "label" and (value is None or not str(value).strip())
    if rule in ("code-format", "code-trailing-dot", "code-order", "code-orphan"):
        return field == "code" and value is not None
    if rule in ("label-markup", "axis-tag", "duplicate-action"):
        return field == "label" and value is not None
    if rule == "amount-invalid":
        return field in AMOUNTS and value is not None and (not number or value < 0)
    if rule == "amount-on-heading":
        return field in AMOUNTS and value is not None
    if rule == "overspent":
        return field in ("days_actual", "spent_actual") and number
    if rule == "status-unknown":
        return field == "status" and value is not None
    if rule == "funding-unknown":
        return field == "funding" and value is not None
    if rule == "deadline-invalid":
        return field == "deadline" and value is not None
    return False


@SETTINGS
@given(programme=programmes())
def test_every_finding_points_at_a_cell_of_the_file_that_fits_its_rule(programme, folder):
    rows, _ = programme
    path = _write(_fresh(folder), rows)
    report = validate(read_programme(path))
    cells = _file_cells(path)
    for finding in report.findings:
        assert re.fullmatch(r"[A-Z]{1,3}[1-9][0-9]*", finding.cell)
        # sheet-wide findings (no action, no year, columns) sit on the header row
        assert (1 if finding.rule in SHEET_RULES else 2) <= finding.row <= len(rows) + 1
        assert column_index(finding.column) <= len(HEADER)
        row_values = {k: v for k, v in cells.items()
                      if re.fullmatch(rf"[A-Z]+{finding.row}", k)}
        assert _fits(finding.rule, finding.column, cells.get(finding.cell), row_values), \
            (finding, cells.get(finding.cell))


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


@SETTINGS
@given(programme=programmes())
def test_totals_reconcile_across_summary_and_reports(programme, folder):
    rows, expected = programme
    path = _write(_fresh(folder), rows)
    code, out, err = run_main("summary", path, "--format", "json")
    assert code == 0, err
    summary = json.loads(out)
    total_actions = sum(e["actions"] for e in expected.values())
    assert summary["totals"]["actions"] == total_actions
    for name in AMOUNTS:
        assert _close(summary["totals"][name], sum(e[name] for e in expected.values())), name
    axes = {a["code"]: a for a in summary["axes"]}
    for axis, figures in expected.items():
        assert axes[axis]["actions"] == figures["actions"]
        for name in AMOUNTS:
            assert _close(axes[axis][name], figures[name]), (axis, name)
    for by in ("axis", "funding"):
        code, out, err = run_main("report", path, "--by", by, "-o", folder / f"r-{by}",
                               "--format", "json")
        assert code == 0, err
        reports = json.loads(out)["reports"]
        assert sum(r["figures"]["actions"] for r in reports) == total_actions
        for name in AMOUNTS:
            assert _close(sum(r["figures"][name] for r in reports), summary["totals"][name])


# --------------------------------------------------------------------------- mutations

PARTS = [b.SHEET, b.STRINGS, "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"]
NOISE = st.binary(max_size=12) | st.sampled_from(
    [b"<", b">", b"/>", b"&", b"&amp;", b'"', b"<c r=\"XFD1048576\"><v>1</v></c>", b"\x00",
     b"<v>NaN</v>", b't="e"', b"<row>", b"</sheetData>", "é".encode("latin-1")])


@st.composite
def mutations(draw):
    part = draw(st.sampled_from(PARTS))
    kind = draw(st.sampled_from(["cut", "repeat", "insert", "ref", "value"]))
    return part, kind, draw(st.integers(0, 10_000)), draw(st.integers(1, 400)), draw(NOISE)


def _mutate(data: bytes, kind: str, at: int, length: int, noise: bytes) -> bytes:
    at %= max(len(data), 1)
    if kind == "cut":
        return data[:at] + data[at + length:]
    if kind == "repeat":
        return data[:at + length] + data[at:]
    if kind == "insert":
        return data[:at] + noise + data[at:]
    if kind == "ref":
        refs = list(re.finditer(rb'r="[A-Z]*[0-9]*"', data))
        if not refs:
            return data + noise
        match = refs[at % len(refs)]
        new = [b'r="XFD1048576"', b'r="A0"', b'r=""', b'r="1A"', b'r="ZZZZ1"',
               b'r="B999999999"', b'r="AAA1"'][length % 7]
        return data[:match.start()] + new + data[match.end():]
    values = list(re.finditer(rb"<v>[^<]*</v>", data))
    if not values:
        return data + noise
    match = values[at % len(values)]
    return data[:match.start()] + b"<v>" + noise.replace(b"<", b"") + b"</v>" + \
        data[match.end():]


@pytest.fixture(scope="module")
def base_bytes(tmp_path_factory) -> bytes:
    return b.good_bytes(tmp_path_factory.mktemp("base"))


@settings(max_examples=EXAMPLES or 60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutation=mutations())
def test_mutated_workbooks_work_or_stop_cleanly(mutation, base_bytes, folder):
    part, kind, at, length, noise = mutation
    folder = _fresh(folder)
    path = folder / "mute.xlsx"
    path.write_bytes(b.rezip(base_bytes, {part: lambda d: _mutate(d, kind, at, length, noise)}))
    original, before = sha256(path), listing(folder)
    for argv in (("validate", path), ("summary", path),
                 ("refresh", path, "-o", folder / "sortie.xlsx")):
        code, out, err = run_main(*argv)
        assert code in (0, 1, 2), (argv[0], code, err)
        assert "erreur inattendue" not in err and "Traceback" not in err, (argv[0], err)
        assert sha256(path) == original
        if code == 2:
            lines = err.strip("\n").split("\n")
            assert len(lines) == 1 and lines[0].startswith("motxl : "), err
            assert listing(folder) == before, argv[0]
        elif argv[0] == "refresh":
            import python_calamine

            assert "Synthèse" in python_calamine.CalamineWorkbook.from_path(
                str(folder / "sortie.xlsx")).sheet_names
            (folder / "sortie.xlsx").unlink()
