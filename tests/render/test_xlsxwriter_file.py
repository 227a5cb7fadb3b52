"""The XlsxWriter adapter draws TabSpecs as the contract says; read back with openpyxl, calamine
and the raw XML (independent of the writer)."""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile

import openpyxl
import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st

from motxl.presentation.spec import (CONDITIONAL_STYLES, DATE, EURO, STYLES, Area, Block, Chart,
                                  ConditionalFormat, Link, PrintSetup, Series, Style,
                                  StyleRange, Table, TabSpec)
from motxl.render.xlsxwriter_file import (FormatCache, cell_style_names, merge_styles,
                                          new_workbook, render_tabs, render_workbook, style_of)

CREATED = dt.datetime(2023, 5, 4, 3, 2, 1)


def sample_tab(name: str = "Suivi") -> TabSpec:
    rows = [["Code", "Libellé", "Jours", "Euros", "Échéance", "Fait"],
            ["1.1", "=HYPERLINK(\"http://x\")", 2.5, 1000, dt.date(2023, 3, 1), True],
            ["1.2", "+33 1 23 45", 4.0, 2500.5, dt.date(2023, 4, 2), False],
            ["1.3", "@SUM(A1)", None, 0, None, False]]
    return TabSpec(
        name=name,
        blocks=[Block(0, 0, [["Titre du tableau"]]), Block(2, 0, rows)],
        styles=[StyleRange(Area(0, 0, 0, 0), "title"),
                StyleRange(Area(2, 0, 5, 5), "cell"),
                StyleRange(Area(2, 0, 2, 5), "header"),
                StyleRange(Area(3, 3, 5, 3), "euro"),
                StyleRange(Area(3, 1, 5, 1), "text"),
                StyleRange(Area(5, 0, 5, 5), "total")],
        column_widths={1: 40, 3: 14},
        row_heights={2: 30},
        merges=[Area(0, 0, 0, 5)],
        links=[Link(1, 0, "Aller au début", name, "A1")],
        conditional_formats=[ConditionalFormat(Area(3, 0, 5, 5), "$C4>3", "red")],
        tables=[Table(Area(2, 0, 5, 5), "Suivi_test")],
        charts=[Chart("column", "Euros par code",
                      (Series("Euros", Area(3, 0, 5, 0), Area(3, 3, 5, 3), "2F5597"),),
                      anchor=(8, 1), number_format='#,##0 "€"')],
        freeze=(3, 1),
        print_setup=PrintSetup(repeat_rows=(2, 2), header="&LMOT&R&D"),
        tab_color="548235",
        selected=(4, 2),
    )


@pytest.fixture
def rendered(tmp_path):
    path = tmp_path / "tabs.xlsx"
    render_workbook(path, [sample_tab(), sample_tab("Autre d'onglet")], created=CREATED)
    return path


def test_values_read_back_independently(rendered):
    sheet = python_calamine.CalamineWorkbook.from_path(str(rendered)).get_sheet_by_name("Suivi")
    rows = sheet.to_python()
    assert rows[0][0] == "Titre du tableau"
    assert rows[1][0] == "Aller au début"  # the link's text
    assert rows[2] == ["Code", "Libellé", "Jours", "Euros", "Échéance", "Fait"]
    assert rows[3] == ["1.1", "=HYPERLINK(\"http://x\")", 2.5, 1000.0, dt.date(2023, 3, 1), True]
    assert rows[4][1] == "+33 1 23 45" and rows[5][1] == "@SUM(A1)"


def test_text_is_never_a_formula(rendered):
    with zipfile.ZipFile(rendered) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_styles_merge_property_by_property(rendered):
    ws = openpyxl.load_workbook(rendered)["Suivi"]
    header = ws["B3"]  # 'cell' then 'header': header's valign wins, border kept
    assert header.font.b and header.fill.fgColor.rgb.endswith("2F5597")
    assert header.alignment.vertical == "center" and header.border.left.style == "thin"
    euro = ws["D4"]  # 'cell' then 'euro'
    assert euro.number_format == EURO and euro.border.top.style == "thin"
    assert euro.alignment.vertical == "top"
    total_euro = ws["D6"]  # 'cell', 'euro', then 'total': bold grey, euro format kept
    assert total_euro.font.b and total_euro.number_format == EURO
    assert total_euro.fill.fgColor.rgb.endswith("F2F2F2")
    assert ws["E4"].number_format == DATE  # a date without a style gets the date format
    assert ws["B4"].alignment.wrap_text
    assert ws["A1"].font.sz == 16 and ws["A1"].font.color.rgb.endswith("1F3864")


def test_layout_and_sheet_settings(rendered):
    wb = openpyxl.load_workbook(rendered)
    ws = wb["Suivi"]
    assert ws.column_dimensions["B"].width == pytest.approx(40, abs=1)
    assert ws.row_dimensions[3].height == 30
    assert [str(m) for m in ws.merged_cells.ranges] == ["A1:F1"]
    assert ws["A2"].hyperlink.location == "'Suivi'!A1"
    assert wb["Autre d'onglet"]["A2"].hyperlink.location == "'Autre d''onglet'!A1"
    rules = [(str(r.sqref), rule.formula, rule.dxf.fill.bgColor.rgb[-6:])
             for r in ws.conditional_formatting for rule in r.rules]
    assert rules == [("A4:F6", ["$C4>3"], CONDITIONAL_STYLES["red"].fill)]
    table = ws.tables["Suivi_test"]
    assert table.ref == "A3:F6" and table.autoFilter is not None
    assert [c.name for c in table.tableColumns][:2] == ["Code", "Libellé"]
    assert ws.freeze_panes == "B4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"
    assert ws.oddHeader.left.text == "MOT"
    assert ws.sheet_properties.tabColor.rgb.endswith("548235")
    assert ("bottomRight", "C5") in [(s.pane, s.activeCell) for s in ws.sheet_view.selection]
    assert wb.properties.created == CREATED
    # Two tabs, two tables: the second table got a distinct name.
    assert list(wb["Autre d'onglet"].tables) == ["Suivi_test_2"]


def test_chart_series_point_at_the_tab(rendered):
    with zipfile.ZipFile(rendered) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        xml = archive.read(sorted(charts)[0]).decode()
    assert "<c:barChart>" in xml and '<c:barDir val="col"/>' in xml
    assert "Suivi!$A$4:$A$6" in xml and "Suivi!$D$4:$D$6" in xml
    assert "2F5597" in xml and "Euros par code" in xml


@pytest.mark.parametrize("kind, tag", [("bar", '<c:barDir val="bar"/>'),
                                       ("pie", "<c:pieChart>"),
                                       ("doughnut", "<c:doughnutChart>")])
def test_other_chart_kinds(tmp_path, kind, tag):
    spec = TabSpec("Données", blocks=[Block(0, 0, [["A", 1], ["B", 2]])],
                   charts=[Chart(kind, "Titre", (Series("S", Area(0, 0, 1, 0),
                                                        Area(0, 1, 1, 1)),), anchor=(3, 0))])
    path = render_workbook(tmp_path / "c.xlsx", [spec])
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/charts/chart1.xml").decode()
    assert tag in xml and re.search(r"<c:f>'?Données'?!\$A\$1:\$A\$2</c:f>", xml)


def test_header_only_table_gets_a_data_row(tmp_path):
    spec = TabSpec("T", blocks=[Block(0, 0, [["Gravité", "Message", "Message"]])],
                   tables=[Table(Area(0, 0, 0, 2), "Vide")])
    ws = openpyxl.load_workbook(render_workbook(tmp_path / "t.xlsx", [spec]))["T"]
    table = ws.tables["Vide"]
    assert table.ref == "A1:C2"
    assert [c.name for c in table.tableColumns] == ["Gravité", "Message", "Message (2)"]


def test_wrapped_text_rows_get_a_height_unless_given(tmp_path):
    long = "un libellé assez long pour passer sur plusieurs lignes " * 3
    spec = TabSpec("T", blocks=[Block(0, 0, [[long], [long], ["court"]])],
                   styles=[StyleRange(Area(0, 0, 2, 0), "text")], column_widths={0: 30},
                   row_heights={1: 18})
    ws = openpyxl.load_workbook(render_workbook(tmp_path / "h.xlsx", [spec]))["T"]
    assert ws.row_dimensions[1].height >= 60
    assert ws.row_dimensions[2].height == 18
    assert ws.row_dimensions[3].height is None


def test_unknown_style_is_refused(tmp_path):
    spec = TabSpec("T", styles=[StyleRange(Area(0, 0, 0, 0), "fluo")])
    with pytest.raises(ValueError, match="fluo"):
        render_workbook(tmp_path / "x.xlsx", [spec])
    assert not (tmp_path / "x.xlsx").exists()


def test_one_format_per_distinct_combination(tmp_path):
    n = 2000
    spec = TabSpec("T", blocks=[Block(0, 0, [[i, float(i), "x"] for i in range(n)])],
                   styles=[StyleRange(Area(0, 0, n - 1, 2), "cell"),
                           StyleRange(Area(0, 1, n - 1, 1), "euro"),
                           *(StyleRange(Area(r, 0, r, 2), "total") for r in range(0, n, 10))])
    workbook = new_workbook(tmp_path / "f.xlsx")
    formats = FormatCache(workbook)
    render_tabs(workbook, [spec], formats)
    workbook.close()
    # cell, cell+euro, cell+total, cell+euro+total
    assert len(formats._by_style) == 4


def _row_ranges(n: int) -> TabSpec:
    ranges = [StyleRange(Area(r, 0, r, 10), "axis") for r in range(n)]  # one range per row
    return TabSpec("T", styles=[StyleRange(Area(0, 0, n - 1, 10), "cell"), *ranges])


def test_style_ranges_cost_their_area_not_cells_times_ranges():
    """Ten times the rows and ranges costs about ten times as much, not a hundred: a ratio
    measured in the same run, so a busy machine slows both sides alike."""
    def best(spec: TabSpec) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            cell_style_names(spec)
            times.append(time.perf_counter() - start)
        return min(times)

    small, large = _row_ranges(1_000), _row_ranges(10_000)
    assert best(large) / best(small) < 30  # linear: 10; cells × ranges: 100
    names = cell_style_names(large)
    assert names[(5, 3)] == ("cell", "axis") and len(names) == 10_000 * 11


def test_ten_thousand_rows_render_quickly(tmp_path):
    n = 10_000
    rows = [[f"1.{i % 9}", f"Action {i}", i * 0.5, i * 100.0, dt.date(2023, 1, 1 + i % 28)]
            for i in range(n)]
    spec = TabSpec("Suivi", blocks=[Block(0, 0, [["Code", "Libellé", "Jours", "€", "Date"]]),
                                    Block(1, 0, rows)],
                   styles=[StyleRange(Area(0, 0, 0, 4), "header"),
                           StyleRange(Area(1, 0, n, 4), "cell"),
                           StyleRange(Area(1, 1, n, 1), "text"),
                           StyleRange(Area(1, 2, n, 2), "days"),
                           StyleRange(Area(1, 3, n, 3), "euro")],
                   tables=[Table(Area(0, 0, n, 4), "Grand")])
    start = time.perf_counter()
    render_workbook(tmp_path / "big.xlsx", [spec])
    assert time.perf_counter() - start < 10
    rows_back = python_calamine.CalamineWorkbook.from_path(
        str(tmp_path / "big.xlsx")).get_sheet_by_name("Suivi").to_python()
    assert len(rows_back) == n + 1 and rows_back[-1][2] == (n - 1) * 0.5


_style_values = st.builds(
    Style, bold=st.none() | st.booleans(), size=st.none() | st.sampled_from([9.0, 11.0, 16.0]),
    color=st.none() | st.sampled_from(["FF0000", "00FF00"]),
    num_format=st.none() | st.sampled_from([EURO, DATE]),
    align=st.none() | st.sampled_from(["left", "center", "right"]))


@settings(max_examples=100, deadline=None)
@given(_style_values, _style_values, _style_values)
def test_merge_is_right_biased_and_associative(a, b, c):
    merged = merge_styles(a, b)
    for name in ("bold", "size", "color", "num_format", "align"):
        expected = getattr(b, name) if getattr(b, name) is not None else getattr(a, name)
        assert getattr(merged, name) == expected
    assert merge_styles(merge_styles(a, b), c) == merge_styles(a, merge_styles(b, c))


def test_style_of_applies_in_order():
    assert style_of(["header", "euro"]).num_format == EURO
    assert style_of(["header", "cell"]).valign == "top"
    assert style_of(["cell", "header"]).valign == "center"
    assert set(STYLES) >= {"header", "cell", "euro"}


def test_lead_tabs_render(tmp_path, make_programme):
    """The shared tab descriptions (Synthèse, Suivi, Contrôles) render and read back."""
    from motxl.core.checks import validate
    from motxl.core.rollup import roll_up
    from motxl.presentation import build_tabs
    from motxl.workbooks.reading import read_programme

    path = make_programme([
        ["1", "[SOCLE] AXE 1 - CADRE"], ["1.1", "OBJECTIF"],
        ["1.1", "=1+1 action", "Anne Martin", None, 2, 1000, 1, 500, "En cours",
         dt.date(2023, 5, 1)],
        ["1.1", "FR-DE / Autre", "Paul", None, 3, 2000, 0, 0, "À lancer", None]])
    programme = read_programme(path)
    tabs = build_tabs(programme, validate(programme), roll_up(programme),
                      now=dt.datetime(2023, 6, 1), source_name="p.xlsx")
    out = render_workbook(tmp_path / "lead.xlsx", tabs)
    wb = python_calamine.CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names == [t.name for t in tabs]
    suivi = wb.get_sheet_by_name("Suivi").to_python()
    assert any(row[3] == "=1+1 action" for row in suivi)
    with zipfile.ZipFile(out) as archive:
        assert not any(re.search(rb"<f[ >]", archive.read(n)) for n in archive.namelist()
                       if n.startswith("xl/worksheets/"))


_areas = st.tuples(st.integers(0, 12), st.integers(0, 4), st.integers(0, 6), st.integers(0, 3))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_areas, st.sampled_from(["cell", "header", "euro", "total"])),
                max_size=12))
def test_style_runs_match_a_naive_application(ranges):
    """The column sweep gives every cell the names a cell-by-cell application gives."""
    styles = [StyleRange(Area(r, c, r + h, c + w), name) for (r, c, h, w), name in ranges]
    expected: dict = {}
    for sr in styles:
        for row in range(sr.area.first_row, sr.area.last_row + 1):
            for col in range(sr.area.first_col, sr.area.last_col + 1):
                names = expected.get((row, col), ())
                if not names or names[-1] != sr.style:
                    expected[(row, col)] = names + (sr.style,)
    got = cell_style_names(TabSpec("T", styles=styles))
    assert got == expected
