"""The source-only VBA project, read back by oletools (strict mode), olefile and XlsxWriter."""

from __future__ import annotations

import datetime
import io
import logging
import re
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
import xlsxwriter
import xlwings
from oletools.olevba import VBA_Parser, VBA_Project, decompress_stream

from motxl.build.vba_project import VbaModule, build_vba_project, encrypt_data

XLWINGS_DIR = Path(xlwings.__file__).parent
XLWINGS_BAS = (XLWINGS_DIR / "xlwings.bas").read_bytes().decode("cp1252")
HELLO = 'Sub Hello()\n    MsgBox "Bonjour, ça marche"\nEnd Sub\n'
SHEET2_CODE = "Private Sub Worksheet_Activate()\r\n    Debug.Print Me.Name\r\nEnd Sub\r\n"
MODULES = [
    VbaModule("ThisWorkbook", "document", "Private Sub Workbook_Open()\nEnd Sub"),
    VbaModule("Feuil1", "document"),
    VbaModule("Feuil2", "document", SHEET2_CODE),
    VbaModule("Feuil3", "document"),
    VbaModule("Module1", "standard", HELLO),
    VbaModule("xlwings", "standard", XLWINGS_BAS),
]
DOC_ATTRIBUTES = (
    'Attribute VB_GlobalNameSpace = False\r\nAttribute VB_Creatable = False\r\n'
    'Attribute VB_PredeclaredId = True\r\nAttribute VB_Exposed = True\r\n'
    'Attribute VB_TemplateDerived = False\r\nAttribute VB_Customizable = True\r\n'
)


def doc_header(name: str, base: str) -> str:
    return f'Attribute VB_Name = "{name}"\r\nAttribute VB_Base = "0{{{base}}}"\r\n' + DOC_ATTRIBUTES


WORKBOOK, SHEET = "00020819-0000-0000-C000-000000000046", "00020820-0000-0000-C000-000000000046"
EXPECTED_TEXT = {
    "ThisWorkbook.cls": doc_header("ThisWorkbook", WORKBOOK)
    + "Private Sub Workbook_Open()\r\nEnd Sub\r\n",
    "Feuil1.cls": doc_header("Feuil1", SHEET),
    "Feuil2.cls": doc_header("Feuil2", SHEET) + SHEET2_CODE,
    "Feuil3.cls": doc_header("Feuil3", SHEET),
    "Module1.bas": 'Attribute VB_Name = "Module1"\r\nSub Hello()\r\n'
    '    MsgBox "Bonjour, ça marche"\r\nEnd Sub\r\n',
    "xlwings.bas": XLWINGS_BAS,  # already starts with its VB_Name line, CRLF throughout
}


@pytest.fixture(scope="module")
def project_bin() -> bytes:
    return build_vba_project(MODULES)


@pytest.fixture(scope="module")
def xlsm(project_bin: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsm") / "test.xlsm"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": datetime.datetime(2024, 1, 1)})
    workbook.set_vba_name("ThisWorkbook")
    for code_name in ("Feuil1", "Feuil2", "Feuil3"):
        workbook.add_worksheet().set_vba_name(code_name)
    workbook.worksheets()[0].insert_button("B2", {"macro": "Hello", "caption": "Hello"})
    workbook.add_vba_project(io.BytesIO(project_bin), is_stream=True)
    workbook.close()
    return path


def test_olevba_extracts_every_module_exactly(xlsm: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="olevba"):
        parser = VBA_Parser(str(xlsm), relaxed=False)
        assert parser.detect_vba_macros()
        found = {name: (path, code) for _, path, name, code in parser.extract_macros()}
        parser.close()
    # olevba always warns that it cannot check stomping of an OLE file held in memory
    problems = [r.getMessage() for r in caplog.records
                if r.name == "olevba" and r.levelno >= logging.WARNING
                and "VBA stomping cannot be detected for files in memory" not in r.getMessage()]
    assert problems == []
    assert set(found) == set(EXPECTED_TEXT)
    for name, (stream_path, code) in found.items():
        assert stream_path == "VBA/" + name.rsplit(".", 1)[0]
        assert code == EXPECTED_TEXT[name], name


def test_xlsm_contains_the_project_bytes(xlsm: Path, project_bin: bytes) -> None:
    with zipfile.ZipFile(xlsm) as archive:
        assert archive.read("xl/vbaProject.bin") == project_bin
        assert 'codeName="ThisWorkbook"' in archive.read("xl/workbook.xml").decode()


def test_compound_file_layout(project_bin: bytes) -> None:
    ole = olefile.OleFileIO(project_bin, raise_defects=olefile.DEFECT_INCORRECT)
    names = ["ThisWorkbook", "Feuil1", "Feuil2", "Feuil3", "Module1", "xlwings"]
    assert sorted(ole.listdir()) == sorted(
        [["PROJECT"], ["PROJECTwm"], ["VBA", "_VBA_PROJECT"], ["VBA", "dir"]]
        + [["VBA", n] for n in names])
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000000")
    expected_wm = b"".join(n.encode("cp1252") + b"\0" + n.encode("utf-16-le") + b"\0\0"
                           for n in names) + b"\0\0"
    assert ole.openstream("PROJECTwm").read() == expected_wm


def test_oletools_project_parser_strict(project_bin: bytes) -> None:
    ole = olefile.OleFileIO(project_bin)
    project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    list(project.parse_modules())
    assert (project.syskind, project.lcid, project.codepage, project.projectname) == (
        3, 0x409, 1252, "VBAProject")
    assert [(m.name, m.streamname, m.textoffset, m.type) for m in project.modules] == [
        ("ThisWorkbook", "ThisWorkbook", 0, 0x22), ("Feuil1", "Feuil1", 0, 0x22),
        ("Feuil2", "Feuil2", 0, 0x22), ("Feuil3", "Feuil3", 0, 0x22),
        ("Module1", "Module1", 0, 0x21), ("xlwings", "xlwings", 0, 0x21)]


def read_dir_records(data: bytes) -> list[tuple[int, bytes]]:
    """Split the decompressed dir stream into (id, payload) per [MS-OVBA] 2.3.4.2."""
    records, pos = [], 0
    while pos < len(data):
        (record_id,) = struct.unpack_from("<H", data, pos)
        if record_id == 0x0009:  # PROJECTVERSION: Reserved=4 then 6 bytes
            (reserved,) = struct.unpack_from("<I", data, pos + 2)
            assert reserved == 4
            records.append((record_id, data[pos + 6:pos + 12]))
            pos += 12
            continue
        (size,) = struct.unpack_from("<I", data, pos + 2)
        records.append((record_id, data[pos + 6:pos + 6 + size]))
        pos += 6 + size
    assert pos == len(data)
    return records


def test_dir_stream_records(project_bin: bytes) -> None:
    ole = olefile.OleFileIO(project_bin)
    records = read_dir_records(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    ids = [r[0] for r in records]
    assert ids[:16] == [0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x09,
                        0x0C, 0x3C, 0x16, 0x3E]
    assert records[-1] == (0x0010, b"")
    refs = [payload for rid, payload in records if rid == 0x000D]
    libids = []
    for payload in refs:  # REFERENCEREGISTERED: SizeOfLibid, Libid, Reserved1 (4), Reserved2 (2)
        (size,) = struct.unpack_from("<I", payload)
        assert len(payload) == 4 + size + 6 and payload[4 + size:] == bytes(6)
        libids.append(payload[4:4 + size].decode("ascii"))
    assert [lib.split("#")[0] for lib in libids] == [
        r"*\G{00020430-0000-0000-C000-000000000046}", r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}"]
    assert [p for rid, p in records if rid == 0x0016] == [b"stdole", b"Office"]
    assert [p for rid, p in records if rid == 0x000F] == [struct.pack("<H", len(MODULES))]
    assert [p for rid, p in records if rid == 0x0031] == [bytes(4)] * len(MODULES)
    assert [p for rid, p in records if rid == 0x002C] == [b"\xff\xff"] * len(MODULES)
    assert ids.count(0x002B) == len(MODULES)


def decrypt(hex_text: str) -> tuple[int, int, bytes]:
    """[MS-OVBA] 2.4.3.3 Decryption: returns (version, project key, data)."""
    raw = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    version, key = seed ^ version_enc, seed ^ key_enc
    unenc, enc1, enc2 = key, key_enc, version_enc
    plain = bytearray()
    for byte_enc in raw[3:]:
        byte = byte_enc ^ ((enc2 + unenc) & 0xFF)
        plain.append(byte)
        enc2, enc1, unenc = enc1, byte_enc, byte
    ignored = (seed & 6) // 2
    (length,) = struct.unpack_from("<I", plain, ignored)
    data = bytes(plain[ignored + 4:])
    assert len(data) == length
    return version, key, data


def project_lines(project_bin: bytes) -> list[str]:
    ole = olefile.OleFileIO(project_bin)
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text.split("\r\n")


def test_project_stream(project_bin: bytes) -> None:
    lines = project_lines(project_bin)
    assert re.fullmatch(r'ID="\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}"', lines[0])
    project_id = lines[0][4:-1]
    assert lines[1:7] == ["Document=ThisWorkbook/&H00000000", "Document=Feuil1/&H00000000",
                          "Document=Feuil2/&H00000000", "Document=Feuil3/&H00000000",
                          "Module=Module1", "Module=xlwings"]
    assert lines[7:10] == ['Name="VBAProject"', 'HelpContextID="0"',
                           'VersionCompatible32="393222000"']
    expected = {"CMG": bytes(4), "DPB": b"\x00", "GC": b"\xff"}
    for line, key in zip(lines[10:13], ("CMG", "DPB", "GC")):
        name, value = line.split("=", 1)
        assert name == key and value.startswith('"') and value.endswith('"')
        version, project_key, data = decrypt(value[1:-1])
        assert (version, project_key, data) == (2, sum(project_id.encode()) & 0xFF, expected[key])
    assert lines[13:17] == ["", "[Host Extender Info]",
                            "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000", ""]
    assert lines[17] == "[Workspace]"
    assert lines[18:] == [f"{m.name}=0, 0, 0, 0, C" for m in MODULES] + [""]


def test_encryption_matches_an_excel_written_project() -> None:
    """Re-encrypt the CMG/DPB/GC of xlwings' own (Excel-saved) workbook from its seed."""
    with zipfile.ZipFile(XLWINGS_DIR / "quickstart_standalone.xlsm") as archive:
        ole = olefile.OleFileIO(archive.read("xl/vbaProject.bin"))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    values = dict(re.findall(r'^(ID|CMG|DPB|GC)="([^"]*)"', text, re.MULTILINE))
    for key in ("CMG", "DPB", "GC"):
        raw = bytes.fromhex(values[key])
        seed = raw[0]
        version, project_key, data = decrypt(values[key])
        assert (version, project_key) == (2, sum(values["ID"].encode()) & 0xFF)
        # recover the filler bytes, then our encryption must reproduce Excel's text exactly
        unenc, enc1, enc2, filler = project_key, raw[2], raw[1], bytearray()
        for byte_enc in raw[3:3 + (seed & 6) // 2]:
            byte = byte_enc ^ ((enc2 + unenc) & 0xFF)
            filler.append(byte)
            enc2, enc1, unenc = enc1, byte_enc, byte
        assert encrypt_data(values["ID"], data, seed, bytes(filler)) == values[key]


def test_deterministic() -> None:
    assert build_vba_project(MODULES) == build_vba_project(list(MODULES))
    other = build_vba_project(MODULES[:-1])
    assert project_lines(other)[0] != project_lines(build_vba_project(MODULES))[0]


def test_project_name_is_used() -> None:
    lines = project_lines(build_vba_project(MODULES[:2], project_name="MotxlProject"))
    assert 'Name="MotxlProject"' in lines


@pytest.mark.parametrize(("modules", "message"), [
    ([VbaModule("1abc", "standard")], "invalid VBA module name"),
    ([VbaModule("a" * 32, "standard")], "invalid VBA module name"),
    ([VbaModule("dir", "standard")], "invalid VBA module name"),
    ([VbaModule("Module1", "standard"), VbaModule("MODULE1", "document")], "duplicate"),
    ([VbaModule("M", "form")], "unknown kind"),  # type: ignore[arg-type]
    ([VbaModule("M", "standard", "MsgBox \"\u20ac\u0153\u4e2d\"")], "code page 1252"),
    ([VbaModule("M", "standard", 'Attribute VB_Name = "Other"\nSub A()\nEnd Sub')], "names itself"),
    ([VbaModule("Feuil1", "document", 'Attribute VB_Name = "Feuil1"\n')], "generated"),
])
def test_rejects_invalid_input(modules: list[VbaModule], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_vba_project(modules)


def test_rejects_invalid_project_name() -> None:
    with pytest.raises(ValueError, match="project name"):
        build_vba_project(MODULES, project_name="VBA Project")
