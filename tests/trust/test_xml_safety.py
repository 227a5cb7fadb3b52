"""Untrusted XML: no reader motxl uses ever expands an entity or fetches an external one.

Three layers, each tested on its own:
1. ``preflight`` refuses any part whose prolog holds a DOCTYPE (wherever it hides: behind
   comments, in UTF-16, split across chunks) and any part that inflates beyond what the zip
   declares, before a reader sees the file;
2. every XML parse in motxl's own code goes through ``defusedxml`` (checked in the source), and
   openpyxl, a dependency, uses defusedxml too (``openpyxl.DEFUSEDXML``);
3. python-calamine (Rust, quick-xml) does not expand custom entities nor fetch external ones:
   given a hostile part directly, it fails fast.
"""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motxl.errors import MotxlError
from motxl.workbooks import preflight
from motxl.workbooks.preflight import _PrologScanner, check_workbook_file
from tests.conftest import ROOT
from tests.trust import builders as b

HOSTILE = {
    "billion-laughs": b.BILLION_LAUGHS,
    "external-entity": b.EXTERNAL_ENTITY,
    "parameter-entity": b'<!DOCTYPE x [<!ENTITY % p SYSTEM "http://exemple.invalid/x.dtd"> %p;]>',
    "external-dtd": b'<!DOCTYPE worksheet SYSTEM "http://exemple.invalid/x.dtd">',
}


def _scan(data: bytes, chunks: list[int] | None = None) -> bool:
    """True when the scanner accepts ``data`` fed in the given chunk sizes."""
    scanner = _PrologScanner("t.xlsx", "part.xml")
    try:
        position = 0
        for size in chunks or [len(data)]:
            scanner.feed(data[position:position + size])
            position += size
        scanner.feed(data[position:])
        scanner.finish()
    except MotxlError as exc:
        assert "interdite" in exc.message and "part.xml" in exc.message
        return False
    return True


XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       b'<sst xmlns="x"><si><t>a</t></si></sst>')


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("hide", ["plain", "comment", "pi", "bom", "utf16le", "utf16be",
                                  "utf16-no-bom", "whitespace"])
def test_the_prolog_scanner_finds_every_doctype(name, hide):
    doctype = HOSTILE[name]
    declaration, rest = XML.split(b"?>", 1)
    declaration += b"?>"
    if hide == "comment":
        data = declaration + b"<!--" + b"-" * 10 + b"x" * 20_000 + b"-->" + doctype + rest
    elif hide == "pi":
        data = declaration + b"<?motxl a='>'?>" * 500 + doctype + rest
    elif hide == "whitespace":
        data = declaration + b" \r\n\t" * 5000 + doctype + rest
    elif hide == "bom":
        data = b"\xef\xbb\xbf" + declaration + doctype + rest
    else:
        data = declaration + doctype + rest
    if hide.startswith("utf16"):
        text = data.decode("utf-8").replace("UTF-8", "UTF-16")
        encoding = "utf-16-be" if hide == "utf16be" else "utf-16-le"
        data = (b"" if hide == "utf16-no-bom" else "\ufeff".encode(encoding)) \
            + text.encode(encoding)
    assert not _scan(data)
    assert not _scan(data, [1] * 300)  # byte by byte: no chunk boundary lets it through


@pytest.mark.parametrize("data", [
    XML,
    b"\xef\xbb\xbf" + XML,
    XML.replace(b"<t>a</t>", b"<t>&lt;!DOCTYPE x [&lt;!ENTITY a 'b'&gt;]&gt;</t>"),
    b"<root><![CDATA[<!DOCTYPE x>]]></root>",
    b'<?xml version="1.0"?><!-- <!DOCTYPE in a comment --><root/>',
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),  # vbaProject.bin
    b"\x89PNG\r\n\x1a\n" + bytes(100),
    b"",
    b"<",
    b'<xml xmlns:v="urn:schemas-microsoft-com:vml"><v:shape/></xml>',  # VML drawings
], ids=["plain", "bom", "escaped-in-text", "cdata", "in-comment", "ole", "png", "empty",
        "lone-lt", "vml"])
def test_the_prolog_scanner_lets_real_parts_through(data):
    assert _scan(data)
    assert _scan(data, [1] * len(data))


def test_an_endless_prolog_is_refused():
    endless = b'<?xml version="1.0"?>' + b"<!-- x -->" * 100_000 + b"<root/>"
    assert not _scan(endless)


@settings(max_examples=200, deadline=None)
@given(cuts=st.lists(st.integers(1, 40), max_size=30), hostile=st.booleans(),
       comment=st.integers(0, 3))
def test_chunking_never_changes_the_verdict(cuts, hostile, comment):
    data = (b'<?xml version="1.0"?>' + b"<!-- a -->" * comment
            + (b.BILLION_LAUGHS if hostile else b"") + b"<root>&amp;</root>")
    assert _scan(data, cuts) is not hostile


# --------------------------------------------------------------------------- whole files


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_stored_part_and_a_deflated_part_are_both_checked(tmp_path):
    base = b.good_bytes(tmp_path)
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        items = b.zip_parts(base)
        path = tmp_path / f"m{method}.xlsx"
        with zipfile.ZipFile(path, "w", method) as archive:
            for info, data in items:
                if info.filename == b.STRINGS:
                    data = b.with_entity(data, b.BILLION_LAUGHS, b"lol9")
                archive.writestr(info.filename, data)
        with pytest.raises(MotxlError, match="interdite"):
            check_workbook_file(path)


def test_an_unusual_compression_is_refused(tmp_path):
    items = b.zip_parts(b.good_bytes(tmp_path))
    path = tmp_path / "bzip2.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as archive:
        for info, data in items:
            archive.writestr(info.filename, data)
    with pytest.raises(MotxlError, match="compression non prise en charge"):
        check_workbook_file(path)


def test_an_encrypted_part_is_refused(tmp_path):
    data = bytearray(b.good_bytes(tmp_path))
    # set the "encrypted" flag of the first local header and of its directory entry
    data[6] |= 1
    directory = data.rfind(b"PK\x01\x02", 0, len(data))
    first = data.find(b"PK\x01\x02")
    assert first <= directory
    data[first + 8] |= 1
    with pytest.raises(MotxlError, match="endommagé"):
        check_workbook_file(_write(tmp_path, "chiffre.xlsx", bytes(data)))


def test_a_part_longer_than_declared_is_refused_early(tmp_path):
    """The lying bomb is refused at the first megabyte beyond what it declares."""
    path = b.zip_bomb(tmp_path / "bombe.xlsx", b.good_bytes(tmp_path), lying=True)
    start = time.perf_counter()
    with pytest.raises(MotxlError, match="volume anormal"):
        check_workbook_file(path)
    assert time.perf_counter() - start < 2


def test_the_part_count_is_read_from_the_zip64_end_record(tmp_path):
    """A zip64 directory announcing 70,000 parts is refused before Python reads it."""
    import struct

    data = b.good_bytes(tmp_path)
    end = data.rfind(b"PK\x05\x06")
    directory_size, directory_offset = struct.unpack_from("<2L", data, end + 12)
    body = data[:end]
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 70_000, 70_000,
                         directory_size, directory_offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, len(body), 1)
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, directory_size,
                       directory_offset, 0)
    path = _write(tmp_path, "zip64.xlsx", body + record + locator + eocd)
    assert preflight._declared_parts(path) == 70_000
    with pytest.raises(MotxlError, match="70000 parties"):
        check_workbook_file(path)


def test_the_checks_run_once_per_file_version(tmp_path, monkeypatch):
    path = b.programme(tmp_path / "p.xlsx")
    calls = []
    monkeypatch.setattr(preflight, "_check_directory", lambda p: calls.append(p) or [])
    monkeypatch.setattr(preflight, "_CHECKED", {})
    check_workbook_file(path)
    check_workbook_file(path)
    assert len(calls) == 1
    path.write_bytes(path.read_bytes() + b"")  # same bytes, new mtime: checked again
    import os
    os.utime(path, ns=(1, 1))
    check_workbook_file(path)
    assert len(calls) == 2


def test_calamine_opens_a_file_only_once_every_part_is_checked(tmp_path, monkeypatch):
    """The parts are inflated in a thread while motxl reads the sheet's XML itself; the reader
    waits for their verdict before python-calamine sees the file."""
    import python_calamine

    from motxl.workbooks.reading import read_programme

    path = b.programme(tmp_path / "p.xlsx")
    with zipfile.ZipFile(path) as archive:
        parts = len(archive.infolist())
    checked: list[str] = []
    seen_by_calamine: list[int] = []
    check_member = preflight._check_member

    def slow_check(name, raw, member):
        time.sleep(0.02)  # slower than the reading that runs meanwhile
        check_member(name, raw, member)
        checked.append(member.filename)

    workbook = python_calamine.CalamineWorkbook

    class Watched:
        @staticmethod
        def from_path(source):
            seen_by_calamine.append(len(checked))
            return workbook.from_path(source)

    monkeypatch.setattr(preflight, "_check_member", slow_check)
    monkeypatch.setattr(preflight, "_CHECKED", {})
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Watched)
    assert read_programme(path).actions
    assert seen_by_calamine == [parts]


def test_a_damaged_part_is_reported_before_the_sheet_read_meanwhile(tmp_path):
    """A part that fails its check gives the archive's message, even though the sheet was read
    (from the intact sheet part) while the check ran."""
    from motxl.workbooks.reading import read_programme

    data = bytearray(b.programme(tmp_path / "p.xlsx").read_bytes())
    # the CRC that the zip's directory gives for xl/styles.xml (read by calamine, not by the
    # sheet reading): the directory entry's name starts 46 bytes after its signature
    entry = data.rfind(b"xl/styles.xml") - 46
    assert data[entry:entry + 4] == b"PK\x01\x02"
    data[entry + 16] ^= 0xFF
    path = tmp_path / "altere.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(MotxlError, match="styles.xml altéré"):
        read_programme(path)


# --------------------------------------------------------------------------- the readers


def test_motxl_parses_xml_only_through_defusedxml():
    """No module of motxl imports a standard or lxml XML parser (escaping helpers allowed)."""
    unsafe = re.compile(r"^\s*(?:from|import)\s+(?:xml\.(?:etree|dom|parsers)|xml\.sax"
                        r"(?!\.saxutils)|lxml)\b", re.M)
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "motxl").rglob("*.py")
                 if unsafe.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_openpyxl_parses_through_defusedxml():
    import defusedxml.ElementTree
    import openpyxl
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse is defusedxml.ElementTree.iterparse
    if not openpyxl.LXML:  # with lxml, openpyxl parses with resolve_entities=False
        assert functions.fromstring is defusedxml.ElementTree.fromstring


@pytest.mark.parametrize("doctype,entity", [(b.BILLION_LAUGHS, b"lol9"),
                                            (b.EXTERNAL_ENTITY, b"xxe")], ids=["laughs", "xxe"])
def test_defusedxml_and_openpyxl_refuse_entities(doctype, entity, tmp_path):
    import defusedxml
    import defusedxml.ElementTree
    import openpyxl

    base = b.good_bytes(tmp_path)
    strings = dict((i.filename, d) for i, d in b.zip_parts(base))[b.STRINGS]
    hostile = b.with_entity(strings, doctype, entity)
    with pytest.raises(defusedxml.DefusedXmlException):
        defusedxml.ElementTree.fromstring(hostile)
    path = _write(tmp_path, "hostile.xlsx", b.rezip(base, {b.STRINGS: lambda _: hostile}))
    with pytest.raises(Exception) as excinfo:  # noqa: PT011 - openpyxl wraps the error
        openpyxl.load_workbook(path)
    assert isinstance(excinfo.value, defusedxml.DefusedXmlException) or \
        "Forbidden" in type(excinfo.value.__context__).__name__ + repr(excinfo.value)


@pytest.mark.parametrize("doctype,entity", [(b.BILLION_LAUGHS, b"lol9"),
                                            (b.EXTERNAL_ENTITY, b"xxe")], ids=["laughs", "xxe"])
def test_calamine_expands_no_entity(doctype, entity, tmp_path):
    """python-calamine given the hostile part directly (no preflight): it fails at once and
    never shows the file an external entity names."""
    import python_calamine

    base = b.good_bytes(tmp_path)
    path = _write(tmp_path, "hostile.xlsx", b.rezip(base, {
        b.STRINGS: lambda d: b.with_entity(d, doctype, entity)}))
    start = time.perf_counter()
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        rows = workbook.get_sheet_by_name("Programme").to_python()
    except Exception as exc:  # noqa: BLE001
        assert "entity" in str(exc).lower(), exc
    else:
        text = repr(rows)
        assert "root:" not in text and "lollollol" not in text
    assert time.perf_counter() - start < 2
