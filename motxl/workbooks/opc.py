"""The Open Packaging Conventions pieces the splice needs: part names, relationships, content types.

A workbook file is a zip of parts; each part's links to others live in a ``_rels/NAME.rels``
part beside it (ECMA-376 Part 2). Parts are compared case-insensitively, as the spec asks.
Relationship and content-type parts are edited as text, so everything not touched keeps its
bytes; what is added is escaped and re-parsed by the caller's checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from defusedxml import ElementTree

__all__ = ["Rel", "rels_part_of", "parse_rels", "serialise_rels", "resolve", "relative",
           "fresh_name", "fresh_id", "add_rels", "remove_rels", "content_type_of",
           "add_override", "remove_overrides", "REL_TYPE", "escape", "quoteattr"]

PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


# xml.sax.saxutils is imported on first use: it pulls in urllib, http and ssl, 40 ms of the
# start-up of every command, which only need these when they write a package.
def escape(text: str, entities: dict[str, str] | None = None) -> str:
    from xml.sax.saxutils import escape as sax_escape

    return sax_escape(text, entities or {})


def quoteattr(text: str, entities: dict[str, str] | None = None) -> str:
    from xml.sax.saxutils import quoteattr as sax_quoteattr

    return sax_quoteattr(text, entities or {})
# ElementTree tags ("{namespace}name") of the parts the readers and checks look into.
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{" + PKG_RELS + "}"
_REL_ELEMENT = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?(?:/>|>\s*</(?:\w+:)?Relationship>)")
_ATTR = re.compile(rb'\b(Id|Type|Target|TargetMode)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_NUMBERED = re.compile(r"^(.*?)(\d*)(\.[^./]+)$")


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str
    mode: str | None = None  # "External" or None

    @property
    def kind(self) -> str:
        return self.type.rsplit("/", 1)[-1]


def rels_part_of(part: str) -> str:
    """The relationships part of ``part`` ("" for the package itself)."""
    if not part:
        return "_rels/.rels"
    posix = PurePosixPath(part)
    parent = "" if str(posix.parent) == "." else f"{posix.parent}/"
    return f"{parent}_rels/{posix.name}.rels"


def parse_rels(data: bytes | None) -> list[Rel]:
    if not data:
        return []
    root = ElementTree.fromstring(data)
    return [Rel(node.get("Id", ""), node.get("Type", ""), node.get("Target", ""),
                node.get("TargetMode"))
            for node in root.iter(f"{{{PKG_RELS}}}Relationship")]


def serialise_rels(rels: list[Rel]) -> bytes:
    items = "".join(f"<Relationship Id={quoteattr(r.id)} Type={quoteattr(r.type)} "
                    f"Target={quoteattr(r.target)}"
                    + (f" TargetMode={quoteattr(r.mode)}" if r.mode else "") + "/>"
                    for r in rels)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG_RELS}">{items}</Relationships>').encode("utf-8")


def _normalise(path: str) -> str:
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def resolve(source: str, target: str) -> str:
    """The part name a relationship of ``source`` points to (no leading slash)."""
    if target.startswith("/"):
        return _normalise(target)
    parent = str(PurePosixPath(source).parent) if source else ""
    return _normalise(f"{parent}/{target}" if parent not in ("", ".") else target)


def relative(source: str, target: str) -> str:
    """``target`` written relative to the folder of ``source``."""
    src = [p for p in PurePosixPath(source).parent.parts if p != "."]
    dst = list(PurePosixPath(target).parts)
    common = 0
    while common < min(len(src), len(dst) - 1) and src[common] == dst[common]:
        common += 1
    return "/".join([".."] * (len(src) - common) + dst[common:])


def fresh_name(wanted: str, taken: set[str]) -> str:
    """``wanted`` renumbered (``chart1.xml`` → ``chart3.xml``) until no taken name (casefolded)
    is hit; ``taken`` gets the result."""
    folder, _, base = wanted.rpartition("/")
    match = _NUMBERED.match(base)
    stem, ext = (match.group(1), match.group(3)) if match else (base, "")
    number = 1
    while True:
        candidate = f"{folder}/{stem}{number}{ext}" if folder else f"{stem}{number}{ext}"
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
        number += 1


def fresh_id(used: set[str]) -> str:
    number = 1
    while f"rId{number}" in used:
        number += 1
    used.add(f"rId{number}")
    return f"rId{number}"


def _attrs(element: bytes) -> dict[str, str]:
    return {m.group(1).decode(): (m.group(2) or m.group(3) or b"").decode("utf-8")
            for m in _ATTR.finditer(element)}


def remove_rels(data: bytes, ids: set[str]) -> bytes:
    """A .rels part without the relationships whose Id is in ``ids`` (other bytes kept)."""
    return _REL_ELEMENT.sub(lambda m: b"" if _attrs(m.group(0)).get("Id") in ids
                            else m.group(0), data)


def add_rels(data: bytes, rels: list[Rel]) -> bytes:
    """A .rels part with ``rels`` appended before its closing tag."""
    match = re.search(rb"</(\w+:)?Relationships>\s*\Z", data)
    if match is None:
        raise ValueError("relationships part without closing tag")
    prefix = (match.group(1) or b"").decode()
    items = "".join(f"<{prefix}Relationship Id={quoteattr(r.id)} Type={quoteattr(r.type)} "
                    f"Target={quoteattr(r.target)}"
                    + (f" TargetMode={quoteattr(r.mode)}" if r.mode else "") + "/>"
                    for r in rels).encode("utf-8")
    return data[:match.start()] + items + data[match.start():]


def content_type_of(types: bytes, part: str) -> str | None:
    """The content type ``[Content_Types].xml`` gives ``part`` (Override, else Default)."""
    root = ElementTree.fromstring(types)
    wanted = "/" + part.casefold()
    for node in root.iter(f"{CT_NS}Override"):
        if node.get("PartName", "").casefold() == wanted:
            return node.get("ContentType")
    ext = part.rsplit(".", 1)[-1].casefold()
    for node in root.iter(f"{CT_NS}Default"):
        if node.get("Extension", "").casefold() == ext:
            return node.get("ContentType")
    return None


_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b[^>]*?(?:/>|>\s*</(?:\w+:)?Override>)")
_PART_NAME = re.compile(rb'\bPartName\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def remove_overrides(types: bytes, parts: set[str]) -> bytes:
    wanted = {"/" + p.casefold() for p in parts}

    def drop(match: re.Match) -> bytes:
        name = _PART_NAME.search(match.group(0))
        value = (name.group(1) or name.group(2) or b"").decode("utf-8") if name else ""
        return b"" if value.casefold() in wanted else match.group(0)

    return _OVERRIDE.sub(drop, types)


def add_override(types: bytes, part: str, content_type: str) -> bytes:
    """``[Content_Types].xml`` with an Override for ``part``, unless a Default already gives
    the same type."""
    if content_type_of(types, part) == content_type:
        return types
    match = re.search(rb"</(\w+:)?Types>\s*\Z", types)
    if match is None:
        raise ValueError("content types part without closing tag")
    prefix = (match.group(1) or b"").decode()
    item = (f"<{prefix}Override PartName={quoteattr('/' + part)} "
            f"ContentType={quoteattr(content_type)}/>").encode("utf-8")
    return types[:match.start()] + item + types[match.start():]
