"""Makers of bad workbooks, all generated: nothing binary is committed.

Most cases start from a small valid programme written by motxl's own writer
(``motxl.workbooks.writing.save_sheets``) and change one thing in it: a zip part replaced,
dropped or cut, a value typed oddly. ``write_zip`` writes a zip by hand for what ``zipfile``
will not do: a part that inflates to more than a gigabyte from a megabyte, streamed chunk by
chunk (never held in memory), with honest or lying sizes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Callable, Iterable, Iterator

from motxl.workbooks.writing import save_sheets
from tests.conftest import HEADER

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
MB = 1 << 20

#: A small valid programme: two axes, objectives, actions with every field filled.
GOOD_ROWS = [
    ["1", "[SOCLE] AXE 1 - CADRE"],
    ["1.1", "OBJECTIF UN"],
    ["1.1", "Action A", "Anne", "Socle", 5, 1000, 2, 300, "En cours", dt.date(2023, 6, 30),
     "note"],
    ["1.1", "FR-DE / Action B", "Paul", "Socle", 3, 500, 1, 50, "À lancer",
     dt.date(2023, 12, 31)],
    ["2", "[SUR-MESURE] AXE 2 - PROJETS"],
    ["2.1", "OBJECTIF DEUX"],
    ["2.1", "Action C", "Marc", "Sur-mesure", 4, 2000, 4, 1900, "Réalisé", dt.date(2023, 3, 1)],
]


def programme(path: Path, rows=GOOD_ROWS, header=HEADER, sheet: str = "Programme",
              extra_sheets: dict | None = None) -> Path:
    """A programme workbook written by motxl's own writer (header in row 1)."""
    sheets = {sheet: [list(header)] + [list(r) for r in rows]}
    sheets.update(extra_sheets or {})
    save_sheets(path, sheets)
    return path


def good_bytes(tmp: Path) -> bytes:
    return programme(tmp / "_good.xlsx").read_bytes()


def zip_parts(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info.filename)) for info in archive.infolist()]


def rezip(data: bytes, change: dict[str, Callable[[bytes], bytes | None]] | None = None,
          add: dict[str, bytes] | None = None, level: int = 6) -> bytes:
    """The zip with parts changed (a function returning None drops the part) or added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for info, part in zip_parts(data):
            if change and info.filename in change:
                part = change[info.filename](part)
                if part is None:
                    continue
            archive.writestr(info, part)
        for name, part in (add or {}).items():
            archive.writestr(name, part)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def after_declaration(xml: bytes, insert: bytes) -> bytes:
    """``insert`` placed right after the ``<?xml ...?>`` declaration."""
    end = xml.index(b"?>") + 2
    return xml[:end] + insert + xml[end:]


BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
               for i in range(1, 10))
    + b"]>"
)
EXTERNAL_ENTITY = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def with_entity(xml: bytes, doctype: bytes, entity: bytes, *, pad: int = 0) -> bytes:
    """A DOCTYPE after the declaration (behind ``pad`` bytes of comment) and the entity used in
    the first shared string or inline string."""
    padding = b"<!--" + b"p" * pad + b"-->" if pad else b""
    xml = after_declaration(xml, padding + doctype)
    return re.sub(rb"<t>[^<]*</t>", b"<t>&" + entity + b";</t>", xml, count=1)


def utf16(xml: bytes) -> bytes:
    text = xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return b"\xff\xfe" + text.encode("utf-16-le")


def set_cell(xml: bytes, ref: str, new_cell: bytes) -> bytes:
    """Replace the ``<c r="REF" ...>...</c>`` element of a sheet part."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
    result, count = pattern.subn(new_cell, xml, count=1)
    assert count == 1, ref
    return result


# --------------------------------------------------------------------------- hand-made zips


class _Member:
    def __init__(self, name: str, chunks: Callable[[], Iterable[bytes]],
                 declared_size: int | None = None):
        self.name = name
        self.chunks = chunks
        self.declared_size = declared_size


def _deflate(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """(raw input, deflated output) pairs; a run of identical big chunks is deflated once.

    After a full flush the compressor starts afresh, so the same input gives the same output:
    a gigabyte of zeros costs one megabyte of compression and a CRC pass.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    memo: dict[bytes, bytes] = {}
    for chunk in chunks:
        if len(chunk) >= MB:
            key = chunk
            if key not in memo:
                memo[key] = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
            yield chunk, memo[key]
        else:
            out = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
            yield chunk, out
    yield b"", compressor.flush()


def write_zip(path: Path, members: list[_Member]) -> Path:
    """A zip written by hand, one member at a time, streaming (no zip64: parts < 4 GiB)."""
    entries = []
    with open(path, "wb") as out:
        for member in members:
            name = member.name.encode()
            offset = out.tell()
            out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x5621, 0, 0, 0,
                                  len(name), 0) + name)
            crc = size = compressed = 0
            for raw, packed in _deflate(member.chunks()):
                crc = zlib.crc32(raw, crc)
                size += len(raw)
                compressed += len(packed)
                out.write(packed)
            declared = size if member.declared_size is None else member.declared_size
            end = out.tell()
            out.seek(offset + 14)
            out.write(struct.pack("<3L", crc, compressed, declared))
            out.seek(end)
            entries.append((name, offset, crc, compressed, declared))
        directory = out.tell()
        for name, offset, crc, compressed, declared in entries:
            out.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x5621, crc,
                                  compressed, declared, len(name), 0, 0, 0, 0, 0, offset)
                      + name)
        size = out.tell() - directory
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                              size, directory, 0))
    return path


def zip_bomb(path: Path, base: bytes, *, inflated: int = 1100 * MB, lying: bool = False) -> Path:
    """The base workbook whose sheet XML carries ``inflated`` bytes of zeros inside sheetData.

    With ``lying``, the directory declares the sheet's true size minus the zeros, so that only
    a reader that counts what it inflates notices.
    """
    parts = zip_parts(base)
    members = []
    for info, data in parts:
        if info.filename == SHEET:
            head, tail = data.split(b"<sheetData>", 1)
            head += b"<sheetData>"

            def chunks(head=head, tail=tail):
                yield head
                zeros = bytes(MB)
                for _ in range(inflated // MB):
                    yield zeros
                yield tail

            declared = len(head) + len(tail) if lying else None
            members.append(_Member(info.filename, chunks, declared))
        else:
            members.append(_Member(info.filename, lambda data=data: [data]))
    return write_zip(path, members)


def password_protected(data: bytes, password: str = "secret") -> bytes:
    import msoffcrypto.format.ooxml as ooxml

    encrypted = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(data)).encrypt(password, encrypted)
    return encrypted.getvalue()


def old_xls() -> bytes:
    """A BIFF8-looking compound file (motxl's own CFB writer): what Excel 97-2003 saves."""
    from motxl.build.cfb import build_compound_file

    return build_compound_file({"Workbook": b"\x09\x08" + bytes(200)})


def rename_sheet_part(data: bytes, new: str) -> bytes:
    """Move the sheet XML to a part name that does not end in .xml (rels and types follow)."""
    def rels(xml: bytes) -> bytes:
        return xml.replace(b"worksheets/sheet1.xml", new.removeprefix("xl/").encode())

    def types(xml: bytes) -> bytes:
        return xml.replace(b"/xl/worksheets/sheet1.xml", b"/" + new.encode())

    sheet = dict((i.filename, d) for i, d in zip_parts(data))[SHEET]
    return rezip(data, {SHEET: lambda _: None, "xl/_rels/workbook.xml.rels": rels,
                        "[Content_Types].xml": types}, add={new: sheet})
