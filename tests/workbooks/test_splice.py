"""The splice: tabs rendered by XlsxWriter put into a workbook, every other part byte for byte.

Checked on the committed workbook (``workbook/Programme2023.xlsm``) and on the test .xlsm of
``tests.workbooks``, with independent readers: zipfile (parts), python-calamine (values),
openpyxl (styles, charts, tables) and LibreOffice (open, print, macros and buttons).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from defusedxml import ElementTree

from motxl.core.checks import validate
from motxl.core.rollup import roll_up
from motxl.presentation import build_tabs
from motxl.presentation.spec import DAYS, EURO
from motxl.workbooks import opc
from motxl.workbooks.reading import read_programme
from motxl.workbooks.situation_cell import situation_of
from motxl.workbooks.refresh import refresh_file
from motxl.workbooks.styles_merge import merge_styles
from tests.conftest import HEADER, ROOT
from tests.workbooks import (CODE_NAMES, assert_tabs_match_specs, code_names, make_xlsm,
                             rewrite_part, sheet_part, sheet_values)

NOW = dt.datetime(2023, 6, 1, 10, 30)
LATER = dt.datetime(2023, 6, 1, 16, 45)  # same situation date: no new chart (tests/history)
TABS = ["Synthèse", "Suivi", "Contrôles", "Historique"]  # the parts a refresh rewrites
COMMITTED = ROOT / "workbook" / "Programme2023.xlsm"
DATE_LINE = re.compile(rb"Situation au \d\d/\d\d/\d{4}")
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


@pytest.fixture(params=["committed", "test"])
def workbook(request, tmp_path) -> Path:
    path = tmp_path / "Programme2023.xlsm"
    if request.param == "committed":
        shutil.copyfile(COMMITTED, path)
    else:
        make_xlsm(path)
    return path


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    return [n.get("name") for n in root.iter(
        "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet")]


def _allowed_changes(path: Path) -> set[str]:
    """The parts the splice may change: the tabs and their links, styles, workbook, types."""
    allowed = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
               "xl/styles.xml", "xl/calcChain.xml", "docProps/app.xml"}
    for name in TABS:
        part = sheet_part(path, name)
        if part is not None:
            allowed |= {part, opc.rels_part_of(part)}
    return allowed


def _old_tab_related(path: Path) -> set[str]:
    """Parts linked from the tabs (except the buttons' VML drawing, which stays)."""
    parts = _parts(path)
    related = set()
    for name in TABS:
        part = sheet_part(path, name)
        if part is None:
            continue
        for rel in opc.parse_rels(parts.get(opc.rels_part_of(part))):
            if rel.mode != "External" and rel.kind != "vmlDrawing":
                related.add(opc.resolve(part, rel.target))
    return related


def test_every_other_part_is_byte_identical(workbook):
    before = _parts(workbook)
    allowed = _allowed_changes(workbook) | _old_tab_related(workbook)
    refresh_file(workbook, now=NOW)
    after = _parts(workbook)
    for name, data in before.items():
        if name in allowed:
            continue
        assert name in after, f"{name} removed"
        assert after[name] == data, f"{name} changed"
    assert list(after)[:len(before)] == [n for n in before if n in after]  # zip order kept


def test_the_tabs_hold_the_tabspec_values(workbook):
    refresh_file(workbook, now=NOW)
    programme = read_programme(workbook)
    situation = situation_of(workbook, today=NOW.date())  # the committed one has its date
    specs = build_tabs(programme, validate(programme), roll_up(programme, situation.date),
                       situation=situation, source_name=workbook.name)
    assert_tabs_match_specs(sheet_values(workbook), specs)


def test_openpyxl_reads_styles_charts_and_table_without_warnings(workbook):
    import openpyxl

    refresh_file(workbook, now=NOW)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        book = openpyxl.load_workbook(workbook, keep_vba=True)
    suivi = book["Suivi"]
    header = next(row for row in suivi.iter_rows(min_row=1, max_row=10)
                  if row[0].value == "Axe")
    for cell in header:
        assert cell.font.b and cell.fill.fgColor.rgb == "FF2F5597", cell.coordinate
    first = header[0].row + 1
    columns = {cell.value: cell.column for cell in header}
    assert suivi.cell(first, columns["Échéance"]).number_format == "dd/mm/yyyy"
    formats = {name: suivi.cell(first, columns[name]).number_format
               for name in ("Budget prévu (€)", "Jours prévus")}
    assert formats == {"Budget prévu (€)": EURO, "Jours prévus": DAYS}
    assert not suivi.cell(first, columns["Axe"]).font.b
    assert suivi.cell(first, columns["Axe"]).fill.fill_type is None
    assert list(suivi.tables) == ["Suivi_actions"]
    assert len(suivi.conditional_formatting) == 1
    synthese = book["Synthèse"]
    assert synthese["A1"].font.b and synthese["A1"].font.sz == 16
    assert len(synthese._charts) == 3  # by axis, by funding, load per person
    assert book.sheetnames == _sheet_names(workbook)


def test_links_content_types_and_names_are_consistent(workbook):
    refresh_file(workbook, now=NOW)
    parts = _parts(workbook)
    types = ElementTree.fromstring(parts["[Content_Types].xml"])
    overrides = {n.get("PartName").lstrip("/") for n in types.iter(f"{CT_NS}Override")}
    defaults = {n.get("Extension").casefold() for n in types.iter(f"{CT_NS}Default")}
    assert overrides <= set(parts), overrides - set(parts)
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            ElementTree.fromstring(data)  # well-formed
        assert name in overrides or name.rsplit(".", 1)[-1].casefold() in defaults, name
        if name.endswith(".rels"):
            owner = str(PurePosixPath(name).parent.parent / PurePosixPath(name).stem)
            owner = "" if name == "_rels/.rels" else owner.lstrip("./")
            for rel in opc.parse_rels(data):
                if rel.mode != "External":
                    assert opc.resolve(owner, rel.target) in parts, (name, rel.target)
    kinds = {opc.content_type_of(parts["[Content_Types].xml"], n) for n in parts}
    assert any(k and k.endswith("drawingml.chart+xml") for k in kinds)
    tables = [ElementTree.fromstring(d) for n, d in parts.items() if n.startswith("xl/tables/")]
    assert [t.get("displayName") for t in tables] == ["Suivi_actions", "Historique_situations"]
    assert "xl/calcChain.xml" not in parts
    workbook_xml = parts["xl/workbook.xml"].decode("utf-8")
    titles = re.findall(r'<definedName name="_xlnm.Print_Titles" localSheetId="(\d+)">([^<]*)<',
                        workbook_xml)
    names = _sheet_names(workbook)
    for index, formula in titles:
        assert formula.startswith(names[int(index)].replace("'", "''")) or \
            formula.startswith(f"'{names[int(index)]}'")
    assert len({index for index, _ in titles}) == len(titles)
    for tab in ("Synthèse", "Suivi"):  # Contrôles repeats its header only when it has findings
        assert str(names.index(tab)) in {index for index, _ in titles}, tab


def test_code_names_order_and_created_tabs(tmp_path):
    path = make_xlsm(tmp_path / "Programme2023.xlsm")
    before_names, before_codes = _sheet_names(path), code_names(path)
    result = refresh_file(path, now=NOW)
    assert result.created == ["Suivi", "Contrôles", "Historique"]
    assert _sheet_names(path) == before_names + ["Suivi", "Contrôles", "Historique"]
    codes = code_names(path)
    for sheet, code in before_codes.items():
        assert codes[sheet] == code
    assert codes["Synthèse"] == CODE_NAMES["Synthèse"]
    # only one selected sheet (several would group them in Excel)
    selected = [name for name in _sheet_names(path)
                if b'tabSelected="1"' in _parts(path)[sheet_part(path, name)]]
    assert len(selected) <= 1


def test_committed_workbook_keeps_its_sheets_and_code_names(tmp_path):
    path = tmp_path / "Programme2023.xlsm"
    shutil.copyfile(COMMITTED, path)
    before_names, before_codes = _sheet_names(path), code_names(path)
    result = refresh_file(path, now=NOW)
    assert result.created == []
    assert _sheet_names(path) == before_names and code_names(path) == before_codes


def test_second_refresh_changes_only_the_date_line(workbook):
    refresh_file(workbook, now=NOW, as_of="01/06/2023")
    first = _parts(workbook)
    refresh_file(workbook, now=LATER, as_of="02/06/2023")
    second = _parts(workbook)
    # A second situation date adds the Synthèse's chart « Consommation dans le temps »
    # (tests/history): a chart part more (charts numbered in the tab's order), a drawing anchor.
    assert [n for n in second if n not in first] == ["xl/charts/chart4.xml"]
    assert [n for n in first if n in second] == list(first)
    tab_parts = {sheet_part(workbook, name) for name in TABS}
    history_part = sheet_part(workbook, "Historique")  # holds the refresh time (tests/history)
    grown = {history_part, sheet_part(workbook, "Synthèse"),  # the chart and its small table
             "[Content_Types].xml",  # the new chart part's type
             *(n for n in first if n.startswith(("xl/charts/", "xl/drawings/_rels/drawing"))
               or n.startswith("xl/drawings/drawing")),
             *(n for n, d in first.items() if b"Historique_situations" in d)}  # its table
    for name, data in first.items():
        if name in grown:
            continue
        if name in tab_parts:
            assert DATE_LINE.sub(b"", data) == DATE_LINE.sub(b"", second[name]), name
            assert data != second[name]
        else:
            assert data == second[name], name


def test_table_names_and_ids_stay_unique(tmp_path):
    import xlsxwriter

    path = tmp_path / "Classeur.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Programme")
    for c, title in enumerate(HEADER):
        sheet.write_string(0, c, title)
    sheet.write_row(1, 0, ["1", "[SOCLE] AXE"])
    sheet.write_row(2, 0, ["1", "Action", "Anne", "Socle", 1, 10])
    other = book.add_worksheet("Autre")
    other.add_table(0, 0, 2, 1, {"name": "Suivi_actions", "columns": [{"header": "a"},
                                                                      {"header": "b"}]})
    book.close()
    refresh_file(path, now=NOW)
    tables = [ElementTree.fromstring(d) for n, d in _parts(path).items()
              if n.startswith("xl/tables/")]
    assert len(tables) == 3
    assert len({t.get("id") for t in tables}) == 3
    assert sorted(t.get("displayName") for t in tables) == ["Historique_situations",
                                                            "Suivi_actions", "Suivi_actions_2"]
    assert all(t.get("name") == t.get("displayName") for t in tables)


def test_calc_chain_is_dropped(tmp_path):
    path = make_xlsm(tmp_path / "Programme2023.xlsm")
    rel = (b'<Relationship Id="rIdCalc" Type="http://schemas.openxmlformats.org/officeDocument/'
           b'2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    rewrite_part(path, "xl/_rels/workbook.xml.rels",
                 lambda data: data.replace(b"</Relationships>", rel))
    override = (b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.'
                b'openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
    rewrite_part(path, "[Content_Types].xml", lambda data: data.replace(b"</Types>", override))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/calcChain.xml", '<calcChain xmlns="http://schemas.openxmlformats.org/'
                         'spreadsheetml/2006/main"><c r="B2" i="2"/></calcChain>')
    refresh_file(path, now=NOW)
    parts = _parts(path)
    assert "xl/calcChain.xml" not in parts
    assert b"calcChain" not in parts["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in parts["[Content_Types].xml"]


def test_old_drawings_of_a_tab_are_removed_but_its_buttons_kept(tmp_path):
    path = make_xlsm(tmp_path / "Programme2023.xlsm")
    refresh_file(path, now=NOW)
    refresh_file(path, now=LATER)
    parts = _parts(path)
    assert sorted(n for n in parts if n.startswith("xl/charts/")) == [  # 3 on the Synthèse
        "xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"]
    assert sorted(n for n in parts if n.startswith("xl/drawings/drawing")) == [
        "xl/drawings/drawing1.xml"]
    rels = parts[opc.rels_part_of(sheet_part(path, "Synthèse"))]
    assert b"vmlDrawing3.vml" in rels and b"drawing1.xml" in rels
    assert b"<legacyDrawing r:id=" in parts[sheet_part(path, "Synthèse")]


def test_styles_merge_reuses_what_is_there_and_keeps_a_prefix():
    original = (b'<x:styleSheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                b'main"><x:numFmts count="1"><x:numFmt numFmtId="170" formatCode="0.0"/>'
                b'</x:numFmts><x:fonts count="1"><x:font><x:sz val="10"/></x:font></x:fonts>'
                b'<x:fills count="1"><x:fill><x:patternFill patternType="none"/></x:fill>'
                b'</x:fills><x:borders count="1"><x:border/></x:borders><x:cellStyleXfs '
                b'count="1"><x:xf/></x:cellStyleXfs><x:cellXfs count="1"><x:xf numFmtId="0" '
                b'fontId="0" fillId="0" borderId="0" xfId="0"/></x:cellXfs><x:cellStyles '
                b'count="1"><x:cellStyle name="Normal" xfId="0" builtinId="0"/></x:cellStyles>'
                b'</x:styleSheet>')
    rendered = (b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0"/>'
                b'<numFmt numFmtId="165" formatCode="0%"/></numFmts><fonts count="2"><font>'
                b'<sz val="10"/></font><font><b/></font></fonts><fills count="1"><fill>'
                b'<patternFill patternType="none"/></fill></fills><borders count="1"><border/>'
                b'</borders><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" '
                b'borderId="0" xfId="0"/><xf numFmtId="164" fontId="1" fillId="0" borderId="0" '
                b'xfId="0"/><xf numFmtId="165" fontId="1" fillId="0" borderId="0" xfId="0"/>'
                b'</cellXfs><dxfs count="1"><dxf><font><b/></font></dxf></dxfs></styleSheet>')
    merged, maps = merge_styles(original, rendered)
    root = ElementTree.fromstring(merged)
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    assert maps.xf == [0, 1, 2] and maps.dxf == [0]
    formats = {n.get("numFmtId"): n.get("formatCode") for n in root.iter(f"{ns}numFmt")}
    assert formats == {"170": "0.0", "171": "0%"}
    xfs = list(root.find(f"{ns}cellXfs"))
    assert [x.get("numFmtId") for x in xfs] == ["0", "170", "171"]
    assert [x.get("fontId") for x in xfs] == ["0", "1", "1"]
    assert root.find(f"{ns}fonts").get("count") == "2"
    assert root.find(f"{ns}dxfs").get("count") == "1"
    assert b"<x:dxfs" in merged and b"<x:b/>" in merged
    again, maps_again = merge_styles(merged, rendered)
    assert again == merged and maps_again.xf == maps.xf


# --------------------------------------------------------------------------- LibreOffice

INSPECT = ROOT / "tests" / "workbook" / "lo_inspect.py"


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) missing")
def test_libreoffice_prints_the_refreshed_committed_workbook(tmp_path):
    path = tmp_path / "Programme2023.xlsm"
    shutil.copyfile(COMMITTED, path)
    refresh_file(path, now=NOW)
    out, profile = tmp_path / "pdf", tmp_path / "lo-profile"
    proc = subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(out), str(path)],
                          capture_output=True, text=True, timeout=180)
    pdf = out / "Programme2023.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None or not INSPECT.exists()
                    or not Path("/usr/bin/python3").exists(),
                    reason="LibreOffice with Python-UNO missing")
def test_libreoffice_sees_the_same_macros_and_buttons_after_refresh(tmp_path):
    path = tmp_path / "Programme2023.xlsm"
    shutil.copyfile(COMMITTED, path)

    def inspect() -> dict:
        proc = subprocess.run(["/usr/bin/python3", str(INSPECT), str(path)],
                              capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    before = inspect()
    refresh_file(path, now=NOW)
    after = inspect()
    assert after["basic_libraries"] == before["basic_libraries"]
    assert after["buttons"] == before["buttons"] and after["buttons"]
    assert after["sheets"] == before["sheets"] and after["code_names"] == before["code_names"]
