"""Adapt a worksheet part written by XlsxWriter to the workbook it is spliced into.

``adapt_sheet`` rewrites, in one pass over the XML text: the style references (``s`` on cells
and rows, ``style`` on columns, ``dxfId`` in conditional formats) through the maps of the merged
styles; shared-string cells as inline strings (the workbook's own ``sharedStrings.xml`` stays
as it was); then the sheet's VBA code name, its selected state and the link to the legacy
drawing (buttons) the tab keeps.
"""

from __future__ import annotations

import re
from typing import Sequence

__all__ = ["adapt_sheet", "shared_strings", "sheet_head_facts", "remap_dxf_ids"]

#: Style references, each split out as (prefix, number, rest): s on cells and rows, style on
#: columns, dxfId on conditional-format rules.
_CELL_STYLE = re.compile(rb'(<(?:c|row)\b[^>]*?\bs=")(\d+)(")')
_COL_STYLE = re.compile(rb'(<col\b[^>]*?\bstyle=")(\d+)(")')
_CF_DXF = re.compile(rb'(<cfRule\b[^>]*?\bdxfId=")(\d+)(")')
#: A shared-string cell's type and value: t="s"><v>N</v>, split out as (number).
_SHARED_VALUE = re.compile(rb'\bt="s"(?:\s*)><v>(\d+)</v>')
_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_DXF_ATTR = re.compile(rb'\b(\w*DxfId)="(\d+)"')
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
                code_name: bytes | None, selected: bool, legacy_rel: str | None) -> bytes:
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


def _with_code_name(head: bytes, code_name: bytes) -> bytes:
    attribute = b' codeName="' + code_name + b'"'
    sheet_pr = re.search(rb"<sheetPr\b([^>]*?)(/?)>", head)
    if sheet_pr is not None:
        attrs = re.sub(rb'\s+codeName="[^"]*"', b"", sheet_pr.group(1))
        return (head[:sheet_pr.start()] + b"<sheetPr" + attribute + attrs + sheet_pr.group(2)
                + b">" + head[sheet_pr.end():])
    root = re.search(rb"<worksheet\b[^>]*>", head)
    assert root is not None  # the head was cut at this tag
    return head[:root.end()] + b"<sheetPr" + attribute + b"/>" + head[root.end():]


def remap_dxf_ids(xml: bytes, dxf: Sequence[int]) -> bytes:
    """A table part with its ``...DxfId`` attributes pointing into the merged styles."""
    return _DXF_ATTR.sub(lambda m: m.group(1) + b'="%d"' % dxf[int(m.group(2))], xml)


_SHEET_PR = re.compile(rb"<(?:\w+:)?sheetPr\b[^>]*?\bcodeName=\"([^\"]*)\"")
_TAB_SELECTED = re.compile(rb"<(?:\w+:)?sheetView\b[^>]*?\btabSelected=\"(?:1|true)\"")
_LEGACY = re.compile(rb"<(?:\w+:)?legacyDrawing\b[^>]*?\b\w+:id=\"([^\"]*)\"")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")


def sheet_head_facts(xml: bytes) -> tuple[bytes | None, bool, str | None]:
    """(code name, tab selected, r:id of the legacy drawing) of an existing worksheet part."""
    data_at = _SHEET_DATA.search(xml)
    head = xml[:data_at.start()] if data_at else xml
    code = _SHEET_PR.search(head)
    legacy = _LEGACY.search(xml, max(xml.rfind(b"sheetData>"), 0))
    return (code.group(1) if code else None, bool(_TAB_SELECTED.search(head)),
            legacy.group(1).decode("utf-8") if legacy else None)
