"""Class modules: xlwings' ``Dictionary.cls`` (needed by ``xlwings.bas`` on a Mac) stored as
Excel stores a class, read back by olevba (strict) and oletools' project parser."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings
from oletools.olevba import VBA_Parser, VBA_Project

from motxl.build.vba_project import VbaModule, build_vba_project, module_text
from motxl.build.workbook import VBA_DIR, vba_modules

ROOT = Path(__file__).resolve().parents[2]
CLS = (VBA_DIR / "Dictionary.cls").read_bytes().decode("cp1252")
EXPORT_HEADER = "VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  'True\r\nEND\r\n"
CLASS_HEAD = (
    'Attribute VB_Name = "Dictionary"\r\n'
    'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"\r\n'
    "Attribute VB_GlobalNameSpace = False\r\nAttribute VB_Creatable = False\r\n"
    "Attribute VB_PredeclaredId = False\r\nAttribute VB_Exposed = True\r\n"
    "Attribute VB_TemplateDerived = False\r\nAttribute VB_Customizable = False\r\n")


def test_the_shipped_class_is_the_pinned_xlwings_one_verbatim():
    shipped = (VBA_DIR / "Dictionary.cls").read_bytes()
    assert shipped == (Path(xlwings.__file__).parent / "addin" / "Dictionary.cls").read_bytes()
    assert xlwings.__version__ == "0.37.8"
    xlwings_bas = (VBA_DIR / "xlwings.bas").read_bytes().decode("cp1252")
    assert "New Dictionary" in xlwings_bas  # why the class is needed


def expected_stream_text() -> str:
    """The .cls text as Excel stores it, built here from the file's own lines: the export
    header dropped, VB_Base and the two missing flags added, the rest unchanged."""
    assert CLS.startswith(EXPORT_HEADER)
    lines = CLS[len(EXPORT_HEADER):].split("\r\n")
    assert lines[:5] == CLASS_HEAD.split("\r\n")[0:1] + [
        "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = False", "Attribute VB_Exposed = True"]
    assert lines[5].startswith("Attribute VB_Description = ")
    return CLASS_HEAD + "\r\n".join(lines[5:])


def test_stream_text_is_what_excel_stores_for_a_class():
    assert module_text(VbaModule("Dictionary", "class", CLS)) == expected_stream_text()


@pytest.fixture(scope="module")
def workbook_project() -> bytes:
    with zipfile.ZipFile(ROOT / "workbook" / "Programme2023.xlsm") as archive:
        return archive.read("xl/vbaProject.bin")


def test_committed_workbook_carries_the_class(workbook_project):
    assert workbook_project == build_vba_project(vba_modules())
    ole = olefile.OleFileIO(workbook_project, raise_defects=olefile.DEFECT_INCORRECT)
    project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    list(project.parse_modules())
    types = {m.name: m.type for m in project.modules}
    assert types["Dictionary"] == 0x22 and types["xlwings"] == types["motxl"] == 0x21
    text = ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")
    assert "Class=Dictionary" in text
    assert "Module=xlwings" in text and "Module=Dictionary" not in text


def test_olevba_lists_the_class_with_its_source(workbook_project, tmp_path):
    path = tmp_path / "book.xlsm"
    with zipfile.ZipFile(ROOT / "workbook" / "Programme2023.xlsm") as archive:
        path.write_bytes(archive.read("xl/vbaProject.bin"))
    parser = VBA_Parser(str(path), relaxed=False)
    found = {name: (stream, code) for _, stream, name, code in parser.extract_macros()}
    parser.close()
    stream, code = found["Dictionary.cls"]
    assert stream == "VBA/Dictionary"
    assert code == expected_stream_text()


def test_class_module_naming_itself_otherwise_is_refused():
    with pytest.raises(ValueError, match="names itself"):
        build_vba_project([VbaModule("ThisWorkbook", "document"),
                           VbaModule("Other", "class", CLS)])


def test_class_without_export_header_gets_the_default_flags():
    text = module_text(VbaModule("Point", "class", "Public X As Long\n"))
    assert text == (
        'Attribute VB_Name = "Point"\r\n'
        'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"\r\n'
        "Attribute VB_GlobalNameSpace = False\r\nAttribute VB_Creatable = False\r\n"
        "Attribute VB_PredeclaredId = False\r\nAttribute VB_Exposed = False\r\n"
        "Attribute VB_TemplateDerived = False\r\nAttribute VB_Customizable = False\r\n"
        "Public X As Long\r\n")
