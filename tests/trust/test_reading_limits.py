"""The extent scan that keeps python-calamine from allocating a sheet it cannot hold.

``reading._extent`` must never under-estimate the block calamine builds (rows × columns from A1
to the farthest cell holding a value), whichever way the sheet XML writes its references: the
fast path (every cell with ``r="…"``) and the slow one (references missing, single quotes,
spaces) are checked against the cells the test wrote.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from motxl.core.grid import column_letter
from motxl.workbooks.reading import MAX_CELLS, _extent

cells = st.lists(st.tuples(st.integers(1, 2_000_000), st.integers(1, 20_000),
                           st.sampled_from(["value", "blank", "formula-no-value", "inline"])),
                 min_size=1, max_size=30)


def _sheet(cell_list, style: str) -> bytes:
    rows: dict[int, list] = {}
    for row, col, kind in cell_list:
        rows.setdefault(row, []).append((col, kind))
    out = []
    for row in sorted(rows):
        parts = []
        for col, kind in sorted(set(rows[row])):
            ref = f"{column_letter(col)}{row}"
            attr = {"fast": f'r="{ref}"', "quotes": f"r='{ref}'",
                    "spaces": f'r = "{ref}"', "lower": f'r="{ref.lower()}"'}[style]
            body = {"value": "<v>1</v>", "blank": None, "formula-no-value": "<f>1+1</f><v></v>",
                    "inline": "<is><t>x</t></is>"}[kind]
            kind_attr = ' t="inlineStr"' if kind == "inline" else ""
            parts.append(f'<c {attr} s="1"/>' if body is None else
                         f"<c {attr}{kind_attr}>{body}</c>")
        out.append(f'<row r="{row}">{"".join(parts)}</row>')
    return f'<worksheet><sheetData>{"".join(out)}</sheetData></worksheet>'.encode()


@settings(max_examples=150, deadline=None)
@given(cell_list=cells, style=st.sampled_from(["fast", "quotes", "spaces", "lower"]))
def test_the_extent_never_underestimates_the_block(cell_list, style):
    valued = [(r, c) for r, c, kind in cell_list if kind in ("value", "inline")]
    rows, cols, farthest = _extent(_sheet(cell_list, style))
    if not valued:
        return
    true_rows, true_cols = max(r for r, _ in valued), max(c for _, c in valued)
    assert rows >= true_rows and cols >= true_cols
    if true_rows * true_cols > MAX_CELLS:
        assert rows * cols > MAX_CELLS
        assert farthest.upper() in {f"{column_letter(c)}{r}" for r, c in valued}


def test_cells_without_references_are_placed_one_after_the_other():
    row = b'<row r="1048576">' + b"<c><v>1</v></c>" * 16_384 + b"</row>"
    rows, cols, farthest = _extent(b"<worksheet><sheetData>" + row + b"</sheetData></worksheet>")
    assert (rows, cols, farthest) == (1_048_576, 16_384, "XFD1048576")


def test_a_programme_of_100000_rows_stays_well_inside_the_limit():
    assert 100_001 * 26 < MAX_CELLS and 1_048_576 * 26 > MAX_CELLS
