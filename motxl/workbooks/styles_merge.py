"""Append the styles of a rendered workbook to a workbook's own ``styles.xml``.

``merge_styles(original, rendered)`` returns the new ``styles.xml`` and two maps, rendered
cell-format index → index in the result (``xf``) and rendered differential-format index → index
in the result (``dxf``). The original's bytes are kept: only the ``numFmts``, ``fonts``,
``fills``, ``borders``, ``cellXfs`` and ``dxfs`` lists get items appended (and their ``count``).
An item already present, byte for byte, is reused rather than appended, so refreshing a
workbook again does not make its styles grow. Custom number formats are renumbered from the
original's highest id + 1 (at least 164, the first id the spec leaves to custom formats).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import unescape

__all__ = ["merge_styles", "StyleMaps"]

_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
          "dxfs", "tableStyles", "colors", "extLst")
_CHILD = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border",
          "cellXfs": "xf", "dxfs": "dxf"}
_ENTITIES = {"&quot;": '"', "&apos;": "'"}
_XF_IDS = re.compile(rb'\b(numFmtId|fontId|fillId|borderId|xfId)="(\d+)"')


@dataclass
class StyleMaps:
    xf: list[int]
    dxf: list[int]


def _section(data: bytes, prefix: bytes, name: str) -> re.Match | None:
    tag = prefix + name.encode()
    return re.search(rb"<" + tag + rb"\b([^>]*?)(?:/>|>(.*?)</" + tag + rb">)", data, re.S)


def _children(body: bytes | None, prefix: bytes, name: str) -> list[bytes]:
    if not body:
        return []
    tag = prefix + name.encode()
    return re.findall(rb"<" + tag + rb"\b[^>]*?(?:/>|>.*?</" + tag + rb">)", body, re.S)


def _unprefixed(fragment: bytes, prefix: bytes) -> bytes:
    return fragment.replace(b"<" + prefix, b"<").replace(b"</" + prefix, b"</") if prefix \
        else fragment


def _prefixed(fragment: bytes, prefix: bytes) -> bytes:
    return re.sub(rb"<(/?)(\w+[\s/>])", rb"<\1" + prefix + rb"\2", fragment) if prefix \
        else fragment


class _List:
    """One list of styles.xml: its items (unprefixed, for comparison) and what gets appended."""

    def __init__(self, data: bytes, prefix: bytes, name: str) -> None:
        self.name, self.prefix = name, prefix
        self.match = _section(data, prefix, name)
        body = self.match.group(2) if self.match else None
        self.items = [_unprefixed(c, prefix) for c in _children(body, prefix, _CHILD[name])]
        self.index: dict[bytes, int] = {}
        for i, item in enumerate(self.items):
            self.index.setdefault(item, i)
        self.added: list[bytes] = []

    def place(self, item: bytes) -> int:
        found = self.index.get(item)
        if found is None:
            found = self.index[item] = len(self.items)
            self.items.append(item)
            self.added.append(item)
        return found

    def rewritten(self) -> bytes:
        """The list's element, items appended and count updated."""
        tag = self.prefix + self.name.encode()
        added = b"".join(_prefixed(item, self.prefix) for item in self.added)
        if self.match is None:
            return b"<" + tag + b' count="%d">' % len(self.items) + added + b"</" + tag + b">"
        attrs = self.match.group(1)
        if re.search(rb'\bcount="\d*"', attrs):
            attrs = re.sub(rb'\bcount="\d*"', b'count="%d"' % len(self.items), attrs)
        else:
            attrs += b' count="%d"' % len(self.items)
        body = self.match.group(2) or b""
        return b"<" + tag + attrs + b">" + body + added + b"</" + tag + b">"


def _number_formats(original: _List, rendered: list[bytes]) -> dict[int, int]:
    """Rendered custom numFmtId → id in the result (appending to ``original``)."""
    def parts(item: bytes) -> tuple[int, str]:
        number = re.search(rb'numFmtId="(\d+)"', item)
        code = re.search(rb'formatCode="([^"]*)"', item)
        return (int(number.group(1)) if number else -1,
                unescape(code.group(1).decode("utf-8"), _ENTITIES) if code else "")

    by_code: dict[str, int] = {}
    highest = 163
    for item in original.items:
        number, code = parts(item)
        by_code.setdefault(code, number)
        highest = max(highest, number)
    mapping = {}
    for item in rendered:
        number, code = parts(item)
        if number < 164:
            mapping[number] = number
            continue
        found = by_code.get(code)
        if found is None:
            highest += 1
            found = by_code[code] = highest
            new = re.sub(rb'numFmtId="\d+"', b'numFmtId="%d"' % found, item, count=1)
            original.items.append(new)
            original.added.append(new)
        mapping[number] = found
    return mapping


def merge_styles(original: bytes, rendered: bytes) -> tuple[bytes, StyleMaps]:
    root = re.search(rb"<(\w+:)?styleSheet\b", original)
    if root is None:
        raise ValueError("styles.xml without styleSheet")
    prefix = root.group(1) or b""
    lists = {name: _List(original, prefix, name) for name in _CHILD}
    theirs = {name: _children((_section(rendered, b"", name) or [None, None, None])[2], b"",
                              child) for name, child in _CHILD.items()}
    formats = _number_formats(lists["numFmts"], theirs["numFmts"])
    maps = {"fontId": [lists["fonts"].place(i) for i in theirs["fonts"]],
            "fillId": [lists["fills"].place(i) for i in theirs["fills"]],
            "borderId": [lists["borders"].place(i) for i in theirs["borders"]]}

    def remap(match: re.Match) -> bytes:
        key, value = match.group(1).decode(), int(match.group(2))
        if key == "xfId":
            new = 0
        elif key == "numFmtId":
            new = formats.get(value, value)
        else:
            new = maps[key][value]
        return b'%s="%d"' % (match.group(1), new)

    xf = [lists["cellXfs"].place(_XF_IDS.sub(remap, item)) for item in theirs["cellXfs"]]
    dxf = [lists["dxfs"].place(item) for item in theirs["dxfs"]]
    return _rewrite(original, prefix, lists), StyleMaps(xf, dxf)


def _rewrite(data: bytes, prefix: bytes, lists: dict[str, _List]) -> bytes:
    """``data`` with each changed list replaced (or inserted where the schema order wants)."""
    for name in _CHILD:
        item = lists[name]
        if not item.added:
            continue
        section = _section(data, prefix, name)
        new = item.rewritten()
        if section is not None:
            data = data[:section.start()] + new + data[section.end():]
            continue
        position = _insertion_point(data, prefix, name)
        data = data[:position] + new + data[position:]
    return data


def _insertion_point(data: bytes, prefix: bytes, name: str) -> int:
    """Where a missing list goes: after the last earlier list present, else first in the root."""
    for earlier in reversed(_ORDER[:_ORDER.index(name)]):
        section = _section(data, prefix, earlier)
        if section is not None:
            return section.end()
    root = re.search(rb"<" + prefix + rb"styleSheet\b[^>]*>", data)
    assert root is not None  # a styles part always has its root element
    return root.end()
