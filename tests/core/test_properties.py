"""Random programme sheets: Validate never crashes and every finding points at a real cell."""

import datetime as dt
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motxl.core.checks import validate
from motxl.core.grid import CellError, Grid, column_index
from motxl.core.parse import parse_programme
from tests.conftest import HEADER

HEADER_RULES = {"programme-empty", "year-unknown", "column-duplicate", "column-ignored"}
codes = st.one_of(
    st.sampled_from(["1", "1.1", "1.1.1", "1.2", "2", "2.1", "2.1.1", "3.3.", "1..2", "A.1",
                     "1.2.3.4", " 2.1 ", "0", "10.10.10"]),
    st.from_regex(r"\A[0-9]{1,2}(\.[0-9]{1,2}){0,3}\.?\Z"),
    st.integers(-3, 12), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.none(),
)
texts = st.one_of(st.none(), st.text(max_size=30),
                  st.sampled_from(["<i>Marché public - X</i>", "FR-DE / Action", "(en attente)",
                                   "=SUM(A1)", "[SOCLE] AXE", "Bons-à-tirer"]))
numbers = st.one_of(st.none(), st.integers(-10, 10_000), st.floats(-1e6, 1e9),
                    st.sampled_from(["1 234,50", "abc", True]))
errors = st.sampled_from([CellError(e) for e in ("#REF!", "#DIV/0!", "#N/A", "#VALUE!")])
cells = st.one_of(texts, numbers, errors,
                  st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31)))
rows = st.lists(st.tuples(st.one_of(codes, errors), st.one_of(texts, errors),
                          st.lists(cells, max_size=9)), max_size=40)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(rows=rows, blank_lines=st.integers(0, 3))
def test_validate_never_crashes_and_cells_are_real(rows, blank_lines):
    body = [[code, label, *rest] for code, label, rest in rows]
    grid = Grid(sheet="Programme", rows=[[None]] * blank_lines + [list(HEADER)] + body)
    programme = parse_programme(grid)
    report = validate(programme)
    last_row = blank_lines + 1 + len(body)
    for finding in report.findings:
        assert re.fullmatch(r"[A-Z]{1,3}[0-9]+", finding.cell)
        assert finding.cell == f"{finding.column}{finding.row}"
        # sheet-wide findings (no action, no year, columns) sit on the header row
        first = blank_lines + (1 if finding.rule in HEADER_RULES else 2)
        assert first <= finding.row <= last_row
        assert 1 <= column_index(finding.column) <= len(HEADER)
        assert finding.message and finding.severity in ("error", "warning", "info")
    assert report.valid == (report.counts["error"] == 0)
    counted = len(programme.actions) + len(programme.headings)
    assert counted <= len(body)
