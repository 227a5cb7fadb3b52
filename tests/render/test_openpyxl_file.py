"""The openpyxl adapter: a TabSpec drawn into a worksheet, read back from the saved file.

Values are read back with python-calamine, styles with openpyxl, everything else from the
zip's XML, so that no assertion relies on the writer's own view of what it wrote.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import time
import zipfile

import openpyxl
import pytest

from motxl.core.tabs.spec import (Area, Block, Chart, ConditionalFormat, Link, PrintSetup, Series,
                                  StyleRange, Table, TabSpec)
from motxl.render.openpyxl_file import clear_worksheet, link_location, merge_styles, render_tab
from tests.workbooks import sheet_part, sheet_values


def hand_spec() -> TabSpec:
    """A small tab using every feature of the contract."""
    header = ["Axe", "Libellé", "Jours", "Budget (€)", "Taux", "Échéance"]
    rows = [
        ["Axe 1", "=SOMME(A1:A3) n'est pas une formule", 12.5, 1000, 0.25, dt.date(2023, 6, 30)],
        ["Axe 2", "+33 1 23 45 67 89", 3, 250.5, None, dt.date(2023, 12, 31)],
        ["Axe 3", "-moins", 0, 0, 1.5, None],
        ["Axe 4", "@arobase", 1, 2, 0.5, dt.date(2024, 1, 1)],
    ]
    spec = TabSpec("Synthèse", tab_color="2F5597")
    spec.blocks = [Block(0, 0, [["Programme de travail — Synthèse"]]),
                   Block(1, 0, [["Situation au 01/06/2023"]]),
                   Block(3, 0, [header, *rows]),
                   Block(9, 0, [["Total", "", 16.5, 1252.5, None, None]]),
                   Block(11, 0, [["Voir les contrôles"]])]
    spec.styles = [
        StyleRange(Area(0, 0, 0, 5), "title"),
        StyleRange(Area(3, 0, 3, 5), "header"),
        StyleRange(Area(4, 0, 9, 5), "cell"),
        StyleRange(Area(4, 2, 9, 2), "days"),
        StyleRange(Area(4, 3, 9, 3), "euro"),
        StyleRange(Area(4, 4, 9, 4), "percent"),
        StyleRange(Area(9, 0, 9, 5), "total"),
        StyleRange(Area(11, 0, 11, 0), "link"),
    ]
    spec.column_widths = {0: 10, 1: 40, 2: 12}
    spec.row_heights = {3: 30}
    spec.merges = [Area(0, 0, 0, 5), Area(1, 0, 1, 5)]
    spec.links = [Link(11, 0, "Voir les contrôles", "Contrôles", "A1")]
    spec.conditional_formats = [ConditionalFormat(Area(4, 0, 7, 5), "=$E5>1", "red"),
                                ConditionalFormat(Area(4, 0, 7, 5), "$C5=0", "grey")]
    spec.tables = [Table(Area(3, 0, 7, 5), "Synthese_axes")]
    categories = Area(4, 0, 7, 0)
    spec.charts = [
        Chart("column", "Budget par axe", (Series("Budget", categories, Area(4, 3, 7, 3),
                                                  "2F5597"),
                                           Series("Jours", categories, Area(4, 2, 7, 2))),
              anchor=(13, 1), number_format='#,##0 "€"'),
        Chart("doughnut", "Répartition", (Series("Budget", categories, Area(4, 3, 7, 3)),),
              anchor=(13, 4)),
    ]
    spec.freeze = (4, 1)
    spec.print_setup = PrintSetup(repeat_rows=(3, 3), header="&L&8MOT&R&D")
    spec.selected = (4, 0)
    return spec


@pytest.fixture
def rendered(tmp_path):
    path = tmp_path / "rendu.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Programme"
    workbook.create_sheet("Contrôles")
    spec = hand_spec()
    render_tab(workbook.create_sheet(spec.name), spec)
    workbook.save(path)
    return path, spec


def _part(path, name):
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def test_values_read_back_with_calamine_equal_the_spec(rendered):
    path, spec = rendered
    grid = sheet_values(path)["Synthèse"]
    used = spec.used_area()
    for r in range(used.first_row, used.last_row + 1):
        for c in range(used.first_col, used.last_col + 1):
            want = spec.value_at(r, c)
            got = grid[r][c] if r < len(grid) and c < len(grid[r]) else ""
            if want is None or want == "":
                assert got == "", (r, c)
            elif isinstance(want, dt.date):
                assert got.date() == want if isinstance(got, dt.datetime) else got == want
            else:
                assert got == want, (r, c)


def test_strings_that_look_like_formulas_stay_text(rendered):
    path, _ = rendered
    xml = _part(path, sheet_part(path, "Synthèse"))
    assert "<f>" not in xml and "<f " not in xml
    for text in ("=SOMME(A1:A3) n'est pas une formule", "+33 1 23 45 67 89", "-moins",
                 "@arobase"):
        cell = re.search(r'<c r="B\d+"[^>]*><is><t>' + re.escape(text.replace("'", "'")), xml)
        assert cell and 't="inlineStr"' in cell.group(0), text


def test_styles_merge_property_by_property(rendered):
    path, _ = rendered
    ws = openpyxl.load_workbook(path)["Synthèse"]
    assert ws["A1"].font.b and ws["A1"].font.sz == 16
    header = ws["A4"]
    assert header.font.b and header.font.color.rgb == "FFFFFFFF"
    assert header.fill.fgColor.rgb == "FF2F5597" and header.fill.fill_type == "solid"
    assert header.alignment.horizontal == "center" and header.alignment.wrap_text
    assert header.border.left.style == "thin"
    assert ws["C5"].number_format == '#,##0.0;-#,##0.0;"-"'
    assert ws["D5"].number_format == '#,##0 "€";-#,##0 "€";"-"'
    assert ws["E5"].number_format == "0%"
    assert ws["F5"].number_format == "dd/mm/yyyy"  # a date with no date style still reads as one
    total = ws["D10"]  # "cell" + "euro" + "total": border, € format, bold and grey fill
    assert total.font.b and total.fill.fgColor.rgb == "FFF2F2F2"
    assert total.number_format.startswith("#,##0") and total.border.top.style == "thin"
    assert ws.column_dimensions["B"].width == 40 and ws.row_dimensions[4].height == 30
    assert ws.sheet_properties.tabColor.rgb == "FF2F5597"
    assert merge_styles(["header", "total"]).fill == "F2F2F2"


def test_merges_link_panes_and_selection(rendered):
    path, _ = rendered
    xml = _part(path, sheet_part(path, "Synthèse"))
    assert '<mergeCell ref="A1:F1"' in xml and '<mergeCell ref="A2:F2"' in xml
    link = re.search(r"<hyperlink [^>]*>", xml).group(0)
    assert 'ref="A12"' in link and "location=\"'Contrôles'!A1\"" in link
    assert "r:id" not in link  # internal: no relationship, as Excel writes it
    assert 'display="Voir les contrôles"' in link
    assert '<pane xSplit="1" ySplit="4" topLeftCell="B5" activePane="bottomRight" state="frozen"' \
        in xml
    assert 'activeCell="A5"' in xml
    assert link_location("Suivi", "B3") == "'Suivi'!B3"


def test_conditional_formats_table_and_print_setup(rendered):
    path, _ = rendered
    xml = _part(path, sheet_part(path, "Synthèse"))
    rules = re.findall(r'<cfRule type="expression"[^>]*>\s*<formula>([^<]*)</formula>', xml)
    assert rules == ["$E5&gt;1", "$C5=0"]
    styles = _part(path, "xl/styles.xml")
    assert "FFFFC7CE" in styles and "FF9C0006" in styles  # the red differential style
    table = _part(path, "xl/tables/table1.xml")
    assert 'ref="A4:F8"' in table and '<autoFilter ref="A4:F8"' in table
    assert 'name="TableStyleLight9"' in table and 'displayName="Synthese_axes"' in table
    assert re.findall(r'<tableColumn id="\d+" name="([^"]*)"', table) == \
        ["Axe", "Libellé", "Jours", "Budget (€)", "Taux", "Échéance"]
    setup = re.search(r"<pageSetup [^>]*>", xml).group(0)
    assert 'orientation="landscape"' in setup and 'fitToHeight="0"' in setup \
        and 'fitToWidth="1"' in setup
    assert '<pageSetUpPr fitToPage="1"' in xml and "<printOptions" in xml
    assert "<oddHeader>&amp;L&amp;8MOT&amp;R&amp;D</oddHeader>" in xml
    assert "<oddFooter>&amp;CPage &amp;P / &amp;N</oddFooter>" in xml
    workbook_xml = _part(path, "xl/workbook.xml")
    assert re.search(r'<definedName name="_xlnm.Print_Titles" localSheetId="2">'
                     r"'Synthèse'!\$4:\$4</definedName>", workbook_xml)


def test_charts_are_parts_of_the_file(rendered):
    path, _ = rendered
    with zipfile.ZipFile(path) as archive:
        charts = sorted(n for n in archive.namelist() if re.match(r"xl/charts/chart\d+\.xml", n))
        assert len(charts) == 2
        drawing_rels = archive.read("xl/drawings/_rels/drawing1.xml.rels").decode()
        assert drawing_rels.count("/relationships/chart") == 2
        column, doughnut = (archive.read(n).decode() for n in charts)
    assert '<barDir val="col"' in column and column.count("<ser>") == 2
    assert "Budget par axe" in column and "<strRef><f>'Synthèse'!$A$5:$A$8</f>" in column
    assert '<a:srgbClr val="2F5597"' in column and '<delete val="0"' in column
    assert "<doughnutChart>" in doughnut and "Répartition" in doughnut


def test_clear_keeps_code_name_and_drops_everything_else(rendered, tmp_path):
    path, spec = rendered
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Synthèse"]
    ws.sheet_properties.codeName = "Feuil9"
    clear_worksheet(ws)
    assert not ws._cells and not ws.merged_cells.ranges and not ws.tables and not ws._charts
    assert not ws.conditional_formatting and ws.print_title_rows is None
    assert ws.sheet_properties.codeName == "Feuil9" and ws.freeze_panes is None
    render_tab(ws, spec)  # drawing twice into the same sheet gives the same file content
    again = tmp_path / "encore.xlsx"
    workbook.save(again)
    assert sheet_values(again)["Synthèse"] == sheet_values(path)["Synthèse"]
    assert _part(again, "xl/tables/table1.xml") == _part(path, "xl/tables/table1.xml")


def test_table_names_stay_unique_and_headers_valid(tmp_path):
    workbook = openpyxl.Workbook()
    first = TabSpec("Un", blocks=[Block(0, 0, [["A", "A", None], [1, 2, 3]])],
                    tables=[Table(Area(0, 0, 1, 2), "1 table")])
    second = TabSpec("Deux", blocks=[Block(0, 0, [["X"], [1]])],
                     tables=[Table(Area(0, 0, 1, 0), "1 table")])
    render_tab(workbook.create_sheet("Un"), first)
    render_tab(workbook.create_sheet("Deux"), second)
    path = tmp_path / "tables.xlsx"
    workbook.save(path)
    names = [re.search(r'displayName="([^"]*)"', _part(path, f"xl/tables/table{i}.xml")).group(1)
             for i in (1, 2)]
    assert names == ["T_1_table", "T_1_table_2"]
    assert re.findall(r'tableColumn id="\d+" name="([^"]*)"', _part(path, "xl/tables/table1.xml")) \
        == ["A", "A2", "Colonne3"]
    assert sheet_values(path)["Un"][0] == ["A", "A2", "Colonne3"]


def test_odd_values_are_written_safely(tmp_path):
    import numpy as np

    workbook = openpyxl.Workbook()
    spec = TabSpec("Valeurs", blocks=[Block(0, 0, [[float("nan"), float("inf"), np.int64(7),
                                                    np.float64(2.5), True, "a\x01b", "",
                                                    dt.datetime(2023, 1, 2, 3, 4)]])])
    render_tab(workbook.active, spec)
    path = tmp_path / "valeurs.xlsx"
    workbook.save(path)
    row = sheet_values(path)[workbook.active.title][0]
    assert row[:7] == ["", "", 7, 2.5, True, "ab", ""]
    assert row[7] == dt.datetime(2023, 1, 2, 3, 4)


def test_ten_thousand_rows_render_in_linear_time(tmp_path):
    def spec_of(n):
        rows = [[f"1.{i}", f"Action {i}", i, i * 10.0, "Oui", dt.date(2023, 1, 1)]
                for i in range(n)]
        area = Area(1, 0, n, 5)
        return TabSpec("Suivi", blocks=[Block(0, 0, [["A", "B", "C", "D", "E", "F"]]),
                                        Block(1, 0, rows)],
                       styles=[StyleRange(Area(0, 0, 0, 5), "header"), StyleRange(area, "cell"),
                               StyleRange(Area(1, 2, n, 2), "days"),
                               StyleRange(Area(1, 3, n, 3), "euro"),
                               StyleRange(Area(1, 5, n, 5), "date")],
                       tables=[Table(Area(0, 0, n, 5), "Suivi_actions")],
                       conditional_formats=[ConditionalFormat(area, '$E2="Oui"', "red")])

    def seconds(n):
        workbook = openpyxl.Workbook()
        spec = spec_of(n)
        start = time.process_time()  # CPU time: other processes' load does not count
        render_tab(workbook.active, spec)
        return time.process_time() - start, workbook

    small = min(seconds(1_000)[0] for _ in range(2))
    large, workbook = seconds(10_000)
    assert large < 15.0
    assert large < 40 * max(small, 0.02)  # 10× the rows: about 10× the time, never 100×
    ws = workbook.active
    assert ws.max_row == 10_001 and ws["D10001"].number_format.startswith("#,##0")


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) missing")
def test_libreoffice_follows_the_internal_link(rendered, tmp_path):
    """LibreOffice reads ``location`` as a jump inside the document, as Excel does."""
    path, _ = rendered
    out = tmp_path / "ods"
    proc = subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                           "--headless", "--convert-to", "ods", "--outdir", str(out), str(path)],
                          capture_output=True, text=True, timeout=120)
    ods = out / "rendu.ods"
    assert proc.returncode == 0 and ods.exists(), proc.stderr
    with zipfile.ZipFile(ods) as archive:
        content = archive.read("content.xml").decode("utf-8")
    link = re.search(r'<text:a xlink:href="([^"]*)"[^>]*>([^<]*)</text:a>', content)
    assert link and link.group(2) == "Voir les contrôles"
    assert link.group(1).replace("&apos;", "'") in ("#'Contrôles'.A1", "#Contrôles.A1")
