"""Adapt a worksheet part written by XlsxWriter to the workbook it is spliced into.

``adapt_sheet`` rewrites, in one pass over the XML text: the style references (``s`` on cells
and rows, ``style`` on columns, ``dxfId`` in conditional formats) through the maps of the merged
styles; shared-string cells as inline strings (the workbook's own ``sharedStrings.xml`` stays
as it was); then the sheet's VBA code name, its selected state and the link to the legacy
drawing (buttons) the tab keeps. The rendered part is XlsxWriter's own output, whose form is
known, and a large tab holds hundreds of thousands of cells: it is rewritten lexically.

``sheet_head_facts`` reads a workbook's existing worksheet part, written by any program: it
parses it with a real parser, cells left out (they are all inside ``sheetData``).
"""

from __future__ import annotations

import re
from typing import Sequence
from xml.sax.saxutils import quoteattr

from defusedxml import ElementTree

from motxl.workbooks.opc import NS_MAIN, NS_REL

__all__ = ["adapt_sheet", "shared_strings", "sheet_head_facts", "vml_has_controls"]

#: Style references, each split out as (prefix, number, rest): s on cells and rows, style on
#: columns, dxfId on conditional-format rules.
_CELL_STYLE = re.compile(rb'(<(?:c|row)\b[^>]*?\bs=")(\d+)(")')
_COL_STYLE = re.compile(rb'(<col\b[^>]*?\bstyle=")(\d+)(")')
_CF_DXF = re.compile(rb'(<cfRule\b[^>]*?\bdxfId=")(\d+)(")')
#: A shared-string cell's type and value: t="s"><v>N</v>, split out as (number).
_SHARED_VALUE = re.compile(rb'\bt="s"(?:\s*)><v>(\d+)</v>')
_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_AFTER_LEGACY = re.compile(rb"<(?:legacyDrawingHF|drawingHF|picture|oleObjects|controls|"
                           rb"webPublishItems|tableParts|extLst)\b|</worksheet>")


def shared_strings(data: bytes | None) -> list[bytes]:
    """The ``<is>`` content of each shared string: its escaped runs, spaces preserved."""
    if not data:
        return []
    items = []
    for match in _SI.finditer(data):
        body = match.group(1) or b"<t></t>"
        if body.startswith(b"<t>"):
            body = b'<t xml:space="preserve">' + body[3:]
        elif body.startswith(b"<t/>"):
            body = b'<t xml:space="preserve"></t>' + body[4:]
        items.append(body)
    return items


def _remap(xml: bytes, pattern: re.Pattern, mapping: Sequence[int]) -> bytes:
    """``xml`` with the numbers ``pattern`` captures (its 2nd group) looked up in ``mapping``.

    ``re.split`` with the groups, then a lookup per piece: far faster than a callback per
    match on the 180,000 cells of a large tab.
    """
    pieces = pattern.split(xml)
    table = {b"%d" % i: b"%d" % new for i, new in enumerate(mapping)}
    pieces[2::4] = [table[number] for number in pieces[2::4]]
    return b"".join(pieces)


def _inline(xml: bytes, strings: Sequence[bytes]) -> bytes:
    pieces = _SHARED_VALUE.split(xml)
    pieces[1::2] = [b't="inlineStr"><is>' + strings[int(n)] + b"</is>" for n in pieces[1::2]]
    return b"".join(pieces)


def adapt_sheet(xml: bytes, *, xf: Sequence[int], dxf: Sequence[int], strings: Sequence[bytes],
                code_name: str | None, selected: bool, legacy_rel: str | None) -> bytes:
    # head (up to the cells), cells, tail: each pattern scans only the piece it can be in.
    start = xml.find(b"<sheetData")
    end = xml.rfind(b"</sheetData>")
    if start < 0:
        start = end = xml.rfind(b"</worksheet>")
    elif end < 0:  # <sheetData/>
        end = xml.index(b">", start) + 1
    head, cells, tail = xml[:start], xml[start:end], xml[end:]
    head = _remap(head, _COL_STYLE, xf)
    if not selected:
        head = head.replace(b' tabSelected="1"', b"")
    if code_name is not None:
        head = _with_code_name(head, code_name)
    cells = _inline(_remap(cells, _CELL_STYLE, xf), strings)
    tail = _remap(tail, _CF_DXF, dxf)
    if legacy_rel is not None:
        after = _AFTER_LEGACY.search(tail)
        assert after is not None  # the pattern matches the end of any worksheet
        position = after.start()
        tail = tail[:position] + b'<legacyDrawing r:id="' + legacy_rel.encode() + b'"/>' \
            + tail[position:]
    return head + cells + tail


def _with_code_name(head: bytes, code_name: str) -> bytes:
    attribute = b" codeName=" + quoteattr(code_name).encode("utf-8")
    sheet_pr = re.search(rb"<sheetPr\b([^>]*?)(/?)>", head)
    if sheet_pr is not None:
        attrs = re.sub(rb'\s+codeName="[^"]*"', b"", sheet_pr.group(1))
        return (head[:sheet_pr.start()] + b"<sheetPr" + attribute + attrs + sheet_pr.group(2)
                + b">" + head[sheet_pr.end():])
    root = re.search(rb"<worksheet\b[^>]*>", head)
    assert root is not None  # the head was cut at this tag
    return head[:root.end()] + b"<sheetPr" + attribute + b"/>" + head[root.end():]


_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")


def _without_cells(xml: bytes) -> bytes:
    """The worksheet part with its ``sheetData`` element left out (``<`` cannot stand inside
    an attribute value or text, so the tags are found exactly)."""
    start = _SHEET_DATA.search(xml)
    if start is None:
        return xml
    tag_end = xml.index(b">", start.end())
    if xml[tag_end - 1:tag_end] == b"/":
        return xml[:start.start()] + xml[tag_end + 1:]
    close = xml.rfind(b"</", tag_end, xml.rfind(b"sheetData") + 1)
    end = _SHEET_DATA_END.match(xml, close) if close >= 0 else None
    if end is None:
        return xml
    return xml[:start.start()] + xml[end.end():]


def sheet_head_facts(xml: bytes) -> tuple[str | None, bool, str | None]:
    """(code name, tab selected, r:id of the legacy drawing) of an existing worksheet part."""
    root = ElementTree.fromstring(_without_cells(xml))
    properties = root.find(f"{NS_MAIN}sheetPr")
    code = properties.get("codeName") if properties is not None else None
    selected = any(view.get("tabSelected") in ("1", "true")
                   for view in root.iter(f"{NS_MAIN}sheetView"))
    legacy = root.find(f"{NS_MAIN}legacyDrawing")
    return code, selected, legacy.get(f"{NS_REL}id") if legacy is not None else None


#: VML (Excel's legacy drawings: buttons, comment notes) is not always well-formed XML: its
#: shape kinds are found lexically, in either quoting.
_OBJECT_TYPE = re.compile(rb"ObjectType\s*=\s*[\"']([^\"']+)[\"']")


def vml_has_controls(vml: bytes | None) -> bool:
    """A VML drawing holding buttons or other form controls (not only comment notes)."""
    return vml is not None and bool({m.group(1) for m in _OBJECT_TYPE.finditer(vml)} - {b"Note"})
