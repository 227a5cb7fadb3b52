"""Refresh into packages written by other programs: LibreOffice (a real ``soffice`` round
trip), openpyxl, XlsxWriter, and a package with single-quoted attributes, unusual namespace
prefixes and prefixes only ``mc:Ignorable`` names.

The parts motxl edits must come out as well-formed XML that keeps the file's own prefixes and
declarations; every part it does not own comes out byte for byte; the tabs hold the figures
(python-calamine), and openpyxl and LibreOffice open the result.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from defusedxml import ElementTree

from motxl.core.checks import validate
from motxl.core.rollup import roll_up
from motxl.presentation import build_tabs
from motxl.workbooks import opc
from motxl.workbooks.reading import read_programme
from motxl.workbooks.refresh import refresh_file
from tests.conftest import HEADER
from tests.workbooks import PROGRAMME, assert_tabs_match_specs, make_xlsm, sheet_values

NOW = dt.datetime(2023, 6, 1, 10, 30)
TABS = ("Synthèse", "Suivi", "Contrôles")
EDITED = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
          "xl/styles.xml", "docProps/app.xml", "xl/calcChain.xml"}
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
#: Unusual prefixes for the usual namespaces.
PREFIXES = {opc.MAIN: "x", opc.REL: "rel", opc.PKG_RELS: "pr", opc.CT: "ct",
            "http://schemas.openxmlformats.org/drawingml/2006/main": "dm",
            "urn:schemas-microsoft-com:vml": "v", "urn:schemas-microsoft-com:office:office": "o",
            "urn:schemas-microsoft-com:office:excel": "xv"}


# --------------------------------------------------------------------------- the packages


def _xlsxwriter(folder: Path) -> Path:
    return make_xlsm(folder / "ecrit-par-xlsxwriter.xlsm")


def _openpyxl(folder: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Programme"
    sheet.append(HEADER)
    for row in PROGRAMME:
        sheet.append(row)
    notes = book.create_sheet("Notes")
    notes["A1"], notes["B1"] = "Taux journalier", 500
    old = book.create_sheet("Synthèse")
    old["A1"] = "Ancienne synthèse"
    path = folder / "ecrit-par-openpyxl.xlsx"
    book.save(path)
    return path


def _libreoffice(folder: Path, kind: str) -> Path:
    (folder / "source").mkdir()
    source = _xlsxwriter(folder / "source")
    filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML",
               "xlsm": "xlsm:Calc MS Excel 2007 VBA XML"}
    out = folder / "lo"
    profile = folder / "lo-profile"
    proc = subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--convert-to", filters[kind], "--outdir", str(out), str(source)],
                          capture_output=True, text=True, timeout=180)
    written = out / f"{source.stem}.{kind}"
    assert proc.returncode == 0 and written.exists(), proc.stderr
    path = folder / f"ecrit-par-libreoffice.{kind}"
    shutil.move(written, path)
    return path


def _quote(value: str) -> str:
    return "'" + escape(value, {"'": "&apos;", '"': "&quot;"}) + "'"


def _reprefixed(data: bytes, ignorable: bool) -> bytes:
    """The same XML with the PREFIXES (every namespace prefixed, none default), attributes in
    single quotes, and (``ignorable``) an x14ac prefix only ``mc:Ignorable`` names."""
    root = ElementTree.fromstring(data)
    spaces: dict[str, str] = {}

    def name(tag: str) -> str:
        if not tag.startswith("{"):
            return tag
        space, local = tag[1:].split("}")
        prefix = spaces.setdefault(space, PREFIXES.get(space, f"n{len(spaces)}"))
        return f"{prefix}:{local}"

    def write(element, top: bool) -> str:
        tag = name(element.tag)
        attributes = [f"{name(k)}={_quote(v)}" for k, v in element.attrib.items()]
        inner = escape(element.text or "") + "".join(write(c, False) for c in element)
        tail = escape(element.tail or "") if not top else ""
        if top:
            declared = [f"xmlns:{p}={_quote(s)}" for s, p in spaces.items()]
            if ignorable:
                declared += [f"xmlns:mc={_quote(MC)}", f"xmlns:x14ac={_quote(X14AC)}",
                             "mc:Ignorable='x14ac'"]
            attributes = declared + attributes
        head = " ".join([tag] + attributes)
        return (f"<{head}>{inner}</{tag}>" if inner else f"<{head}/>") + tail

    body = write(root, True)  # the root's declarations are written after its content
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\r\n" + body).encode()


def _prefixed(folder: Path) -> Path:
    path = _xlsxwriter(folder)
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info)) for info in archive.infolist()]
    target = folder / "prefixes-inhabituels.xlsm"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            if info.filename.endswith((".xml", ".rels")) and "theme" not in info.filename:
                data = _reprefixed(data, ignorable=info.filename in (
                    "xl/workbook.xml", "xl/styles.xml"))
            archive.writestr(info, data)
    return target


MAKERS = {
    "xlsxwriter": _xlsxwriter,
    "openpyxl": _openpyxl,
    "libreoffice-xlsx": lambda folder: _libreoffice(folder, "xlsx"),
    "libreoffice-xlsm": lambda folder: _libreoffice(folder, "xlsm"),
    "prefixes": _prefixed,
}
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) missing")
KINDS = [pytest.param(kind, marks=[pytest.mark.libreoffice, needs_soffice])
         if kind.startswith("libreoffice") else kind for kind in MAKERS]


@pytest.fixture(params=KINDS)
def package(request, tmp_path) -> Path:
    return MAKERS[request.param](tmp_path)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _tab_related(parts: dict[str, bytes], workbook: bytes) -> set[str]:
    """The worksheet parts of the tabs and what they link to (the splice may replace them)."""
    rels = {r.id: r for r in opc.parse_rels(parts.get("xl/_rels/workbook.xml.rels"))}
    found = set()
    for node in ElementTree.fromstring(workbook).iter(f"{opc.NS_MAIN}sheet"):
        if node.get("name") not in TABS:
            continue
        part = opc.resolve("xl/workbook.xml", rels[node.get(f"{opc.NS_REL}id")].target)
        found |= {part, opc.rels_part_of(part)}
        for rel in opc.parse_rels(parts.get(opc.rels_part_of(part))):
            if rel.mode != "External" and rel.kind != "vmlDrawing":
                found.add(opc.resolve(part, rel.target))
    return found


def _root_tag(data: bytes) -> str:
    return re.search(rb"<([\w:.-]+)[\s/>]", data.split(b"?>", 1)[-1]).group(1).decode()


# --------------------------------------------------------------------------- the tests


def test_refresh_into_a_foreign_package(package):
    before = _parts(package)
    refresh_file(package, now=NOW)
    after = _parts(package)

    # Parts motxl does not own: byte for byte, in the same order.
    allowed = EDITED | _tab_related(before, before["xl/workbook.xml"])
    for name, data in before.items():
        if name not in allowed:
            assert after.get(name) == data, f"{name} changed or removed"
    assert [n for n in after if n in before] == [n for n in before if n in after]

    # Parts motxl edits: well-formed, same root prefix, every declaration kept.
    for name in EDITED & set(after) & set(before):
        ElementTree.fromstring(after[name])
        assert _root_tag(after[name]) == _root_tag(before[name]), name
        declared = set(re.findall(rb'xmlns(?::[\w.-]+)?\s*=\s*["\']([^"\']*)["\']',
                                  before[name].split(b">", 2)[1]))
        for uri in declared:
            assert uri in after[name], (name, uri)
    for name in ("xl/workbook.xml", "xl/styles.xml"):
        ignorable = re.search(rb'mc:Ignorable=["\']([^"\']*)["\']', before[name])
        if ignorable:
            root = after[name].split(b"?>", 1)[-1].split(b">", 1)[0]
            for prefix in ignorable.group(1).split():
                assert re.search(rb"xmlns:" + prefix + rb"=", root), (name, prefix)

    # The tabs hold the figures; the programme and the other sheets are what they were.
    programme = read_programme(package)
    specs = build_tabs(programme, validate(programme), roll_up(programme), now=NOW,
                       source_name=package.name)
    values = sheet_values(package)
    assert_tabs_match_specs(values, specs)
    assert values["Programme"][1][1] == PROGRAMME[0][1]
    assert values["Notes"][0][:2] == ["Taux journalier", 500]
    book = openpyxl.load_workbook(package)
    assert book.sheetnames[:3] == ["Programme", "Notes", "Synthèse"]
    assert book.sheetnames[3:] == ["Suivi", "Contrôles", "Historique"]


def test_prefixed_package_keeps_its_prefixes_and_quotes_nothing_away(tmp_path):
    path = _prefixed(tmp_path)
    refresh_file(path, now=NOW)
    parts = _parts(path)
    workbook = parts["xl/workbook.xml"]
    assert workbook.split(b"?>", 1)[1].lstrip().startswith(b"<x:workbook")
    assert b"<x:sheet " in workbook and b"<sheet " not in workbook
    assert re.search(rb"<x:sheet [^>]*name=\"Suivi\"[^>]*rel:id=", workbook)
    assert b"<x:definedName" in workbook and b"<definedName" not in workbook
    styles = parts["xl/styles.xml"]
    assert b"<x:cellXfs" in styles and b"<cellXfs" not in styles and b"<xf " not in styles
    assert b"<pr:Relationship " in parts["xl/_rels/workbook.xml.rels"]
    assert b"<ct:Override " in parts["[Content_Types].xml"]
    assert b"<Override " not in parts["[Content_Types].xml"]


@pytest.mark.libreoffice
@needs_soffice
@pytest.mark.parametrize("kind", ["openpyxl", "prefixes", "libreoffice-xlsm"])
def test_libreoffice_opens_the_refreshed_package(kind, tmp_path):
    path = MAKERS[kind](tmp_path)
    refresh_file(path, now=NOW)
    out = tmp_path / "relu"
    profile = tmp_path / "lo-profile-2"
    proc = subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
                           str(path)], capture_output=True, text=True, timeout=180)
    again = out / f"{path.stem}.xlsx"
    assert proc.returncode == 0 and again.exists(), proc.stderr
    values = sheet_values(again)
    assert list(values)[:5] == ["Programme", "Notes", "Synthèse", "Suivi", "Contrôles"]
    assert any("Action A" in str(cell) for row in values["Suivi"] for cell in row)
