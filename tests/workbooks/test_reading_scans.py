"""The byte scans that let reading skip work: the extent's one-pass check and the test that
decides whether the sheet XML is parsed a second time for error cells and formulas.

Both are supersets of what they stand for: when they say "nothing here", nothing is there.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motxl.core.grid import CellError, Uncomputed, column_index, column_letter
from motxl.workbooks.reading import (MAX_CELLS, _extent, _may_hide_values, may_not_be_finite,
                                     read_grid, special_cells)
from tests.conftest import HEADER


def _sheet(cells: str, head: str = "", tail: str = "") -> bytes:
    return (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{head}<sheetData>{cells}</sheetData>{tail}</worksheet>").encode()


@pytest.mark.parametrize("ref,far", [("Z899999", False), ("A900000", True), ("AA1", True),
                                     ("Z9999999", True)])
def test_the_one_pass_extent_bounds_the_block(ref, far):
    letters = ref.rstrip("0123456789")
    row, col = int(ref[len(letters):]), column_index(letters)
    data = _sheet(f'<row r="1"><c r="A1"><v>1</v></c></row>'
                  f'<row r="{row}"><c r="{ref}"><v>2</v></c></row>')
    rows, cols, _ = _extent(data)
    assert rows >= row and cols >= col
    assert rows * cols <= MAX_CELLS or far


@pytest.mark.parametrize("space", ["\t", "\n", "\r\n"])
def test_a_cell_tag_with_other_white_space_is_placed_like_calamine(space):
    """Cells without references in a far row (tab or newline after the tag name) are counted
    one after the other: the block is refused, not handed to calamine."""
    cells = f"<c{space}t=\"n\"><v>1</v></c>" * 30
    rows, cols, farthest = _extent(_sheet(f'<row r="1048576">{cells}</row>'))
    assert rows * cols > MAX_CELLS and (rows, cols) == (1_048_576, 30)
    assert farthest == f"{column_letter(30)}1048576"


def test_a_prefixed_sheet_takes_the_full_scan():
    row = '<x:row r="1048576">' + '<x:c><x:v>1</x:v></x:c>' * 30 + "</x:row>"
    data = (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<x:sheetData>" + row.encode() + b"</x:sheetData></x:worksheet>")
    assert _extent(data)[:2] == (1_048_576, 30)


CASES = {
    "formula": ('<row r="5"><c r="B5"><f>A1*2</f></c></row>', [(5, 2, Uncomputed("=A1*2"))]),
    "prefixed formula": ('<row r="5"><c r="B5"><x:f xmlns:x="http://schemas.openxmlformats.org/'
                         'spreadsheetml/2006/main">A1</x:f></c></row>',
                         [(5, 2, Uncomputed("=A1"))]),
    "shared formula": ('<row r="5"><c r="B5"><f t="shared" si="0"/></c></row>',
                       [(5, 2, Uncomputed("(formule partagée)"))]),
    "error": ('<row r="5"><c r="B5" t="e"><v>#REF!</v></c></row>', [(5, 2, CellError("#REF!"))]),
    "error, spaced single quotes": ("<row r='5'><c r='B5' t = 'e'><v>#N/A</v></c></row>",
                                    [(5, 2, CellError("#N/A"))]),
    "error, character reference": ('<row r="5"><c r="B5" t="&#101;"><v>#DIV/0!</v></c></row>',
                                   [(5, 2, CellError("#DIV/0!"))]),
    "plain values": ('<row r="5"><c r="B5" t="s"><v>3</v></c><c r="C5"><v>1.5E-3</v></c></row>',
                     []),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_parse_is_skipped_only_when_nothing_is_there(name):
    cells, expected = CASES[name]
    data = _sheet(cells)
    assert list(special_cells(data)) == expected
    assert _may_hide_values(data) == bool(expected)


def test_formulas_outside_the_cells_do_not_cost_a_parse():
    """Data validations (<formula1>), conditional formats and the namespace URI hold "f" and
    "<f": only sheetData is looked at (the bundled workbook has no formula cell)."""
    head = '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    tail = ('<dataValidations count="1"><dataValidation type="list" sqref="D4:D20">'
            '<formula1>"Socle,Sur-mesure"</formula1></dataValidation></dataValidations>'
            '<conditionalFormatting sqref="A1"><cfRule type="expression" priority="1">'
            '<formula>$E1="e"</formula></cfRule></conditionalFormatting>')
    data = _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', head, tail)
    assert not _may_hide_values(data)
    assert list(special_cells(data)) == []


def test_only_formula_in_a_far_row_is_found(tmp_path: Path):
    """A workbook written by openpyxl (formulas saved without results) whose one formula is
    in row 60,000, below thousands of plain rows: read as Uncomputed where openpyxl put it."""
    import openpyxl

    path = tmp_path / "formule-loin.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Programme"
    sheet.append(HEADER)
    for n in range(2, 60_001):
        sheet.append([f"1.{n}", f"Action {n}", "Anne", "Socle", 1, 10])
    sheet["F60000"] = "=E59999*2"
    book.save(path)
    check = openpyxl.load_workbook(path, read_only=True)["Programme"]
    assert next(check.iter_rows(min_row=60_000, max_row=60_000, values_only=True))[5] \
        == "=E59999*2"
    grid = read_grid(path, "Programme")
    assert grid.value(60_000, 6) == Uncomputed("=E59999*2")
    assert grid.value(59_999, 6) == 10


def test_the_bundled_workbook_is_not_parsed_twice():
    from motxl.workbooks import opc

    path = Path(__file__).parents[2] / "workbook" / "Programme2023.xlsm"
    package = opc.Package(path, lazy=True)
    part = next(s.part for s in package.sheets() if s.name == "Programme")
    data = package.read(part)
    assert b"<formula1>" in data  # what made it parse before
    assert not _may_hide_values(data)


# Texts python-calamine 0.9 reads as a float that is not finite (probed on real files), and
# texts it reads as plain finite numbers.
NOT_FINITE = ["nan", "NaN", "-nan", "+nan", "inf", "-inf", "INF", "iNf", "Infinity",
              "-Infinity", "1e999", "1E400", "1e+309", "1e0400", "1.7976931348623159e308",
              "9" * 400, "0." + "0" * 400 + "1e999"]
FINITE = ["0", "-0", "12", "1.5", "-3.25", "1.5E-3", "1.0000000000000001E-2", "38913.36",
          "1e99", "9" * 200]


@pytest.mark.parametrize("text", NOT_FINITE)
def test_a_value_that_may_not_be_finite_is_seen(text):
    for cell in (f'<c r="E4"><v>{text}</v></c>', f'<c r="E4" t="n"><v>{text}</v></c>'):
        assert may_not_be_finite(_sheet(f'<row r="4">{cell}</row>'))


def test_plain_numbers_let_the_rows_go_untested():
    cells = "".join(f'<c r="{column_letter(n + 1)}4"><v>{text}</v></c>'
                    for n, text in enumerate(FINITE))
    shared = '<c r="A5" t="s"><v>3</v></c><c r="B5" t="b"><v>1</v></c>'
    assert not may_not_be_finite(_sheet(f'<row r="4">{cells}</row><row r="5">{shared}</row>'))


@pytest.mark.parametrize("cell", [
    '<c r="E4"><v>&#110;an</v></c>',  # a character reference: NaN once unescaped
    '<c r="E4"><v><![CDATA[inf]]></v></c>',
    '<c r="E4"><v xml:space="preserve">1</v></c>',
    '<c r="E4"><x:v xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">inf'
    '</x:v></c>',
])
def test_values_written_another_way_are_tested_one_by_one(cell):
    assert may_not_be_finite(_sheet(f'<row r="4">{cell}</row>'))


def test_a_sheet_in_utf16_is_tested_one_by_one():
    data = _sheet('<row r="4"><c r="E4"><v>inf</v></c></row>').decode().encode("utf-16")
    assert may_not_be_finite(data)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789.eE+-naifty", min_size=1, max_size=12)
       | st.floats().map(repr) | st.floats().map(str).map(str.upper))
def test_no_text_that_reads_as_a_number_not_finite_goes_unseen(text):
    """Whatever the text of a value, if Python's float() (which accepts at least what
    calamine's Rust parser does for these characters) makes it NaN or infinite, the scan
    says so."""
    try:
        number = float(text)
    except ValueError:
        return
    if not math.isfinite(number):
        assert may_not_be_finite(_sheet(f'<row r="4"><c r="E4"><v>{text}</v></c></row>'))


def test_calamine_reads_every_finite_sample_as_a_finite_float(tmp_path: Path):
    """The other side, on a real file: what the scan lets through, calamine reads finite."""
    import python_calamine

    from tests.trust import builders as b

    refs = [f"{letter}{row}" for row in (4, 5, 8) for letter in "EFGH"][:len(FINITE)]

    def change(xml: bytes) -> bytes:
        for ref, text in zip(refs, FINITE):
            xml = b.set_cell(xml, ref, f'<c r="{ref}"><v>{text}</v></c>'.encode())
        assert not may_not_be_finite(xml)
        return xml

    path = tmp_path / "finis.xlsx"
    path.write_bytes(b.rezip(b.good_bytes(tmp_path), {b.SHEET: change}))
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        "Programme")
    rows = list(sheet.iter_rows())
    read = [rows[int(ref[1:]) - 1][column_index(ref[0]) - 1] for ref in refs]
    assert read == [float(text) for text in FINITE]
    assert all(isinstance(v, float) and math.isfinite(v) for v in read)
