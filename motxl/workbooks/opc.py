"""The Open Packaging Conventions pieces the splice needs: part names, relationships, content types.

A workbook file is a zip of parts; each part's links to others live in a ``_rels/NAME.rels``
part beside it (ECMA-376 Part 2). Parts are compared case-insensitively, as the spec asks.
This module is also the one home of the OOXML namespaces motxl reads. Parts are read with
``defusedxml.ElementTree`` and edited through ``xml_parts`` (a DOM that keeps the writer's
prefixes and declarations: see its docstring).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import BinaryIO, NamedTuple

from defusedxml import ElementTree

def _xml() -> ModuleType:
    """The XML editing helpers, imported on first use: they pull in xml.sax and urllib,
    80 ms of every command's start-up, which only the commands that write a package need."""
    from motxl.workbooks import xml_parts

    return xml_parts

__all__ = ["Package", "Sheet", "Rel", "rels_part_of", "parse_rels", "serialise_rels", "resolve",
           "relative", "fresh_name", "fresh_id", "add_rels", "remove_rels", "content_type_of",
           "add_override", "remove_overrides", "REL_TYPE", "MAIN", "REL", "PKG_RELS", "CT",
           "NS_MAIN", "NS_REL", "NS_PKG_REL", "CT_NS"]

# The namespaces (URIs) of the parts motxl reads or edits.
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
REL_TYPE = REL + "/"
# ElementTree tags ("{namespace}name") of the same.
NS_MAIN = "{" + MAIN + "}"
NS_REL = "{" + REL + "}"
NS_PKG_REL = "{" + PKG_RELS + "}"
CT_NS = "{" + CT + "}"
_NUMBERED = re.compile(r"^(.*?)(\d*)(\.[^./]+)$")


class Rel(NamedTuple):
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
    """A new relationships part holding ``rels``."""
    document = _xml().parse(f'<Relationships xmlns="{PKG_RELS}"/>'.encode())
    root = document.documentElement
    for rel in rels:
        _xml().add_element(root, "Relationship", _rel_attributes(rel))
    return _xml().serialise(document)


def _rel_attributes(rel: Rel) -> list[tuple[str, str]]:
    attributes = [("Id", rel.id), ("Type", rel.type), ("Target", rel.target)]
    return attributes + ([("TargetMode", rel.mode)] if rel.mode else [])


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


def remove_rels(data: bytes, ids: set[str]) -> bytes:
    """A .rels part without the relationships whose Id is in ``ids``."""
    document = _xml().parse(data)
    for node in _xml().elements(document, PKG_RELS, "Relationship"):
        if node.getAttribute("Id") in ids:
            _xml().remove(node)
    return _xml().serialise(document)


def add_rels(data: bytes, rels: list[Rel]) -> bytes:
    """A .rels part with ``rels`` appended."""
    document = _xml().parse(data)
    root = document.documentElement
    if root.namespaceURI != PKG_RELS or root.localName != "Relationships":
        raise _xml().XmlPartError("not a relationships part")
    for rel in rels:
        _xml().add_element(root, "Relationship", _rel_attributes(rel))
    return _xml().serialise(document)


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


def remove_overrides(types: bytes, parts: set[str]) -> bytes:
    """``[Content_Types].xml`` without the Override entries of ``parts``."""
    wanted = {"/" + p.casefold() for p in parts}
    document = _xml().parse(types)
    for node in _xml().elements(document, CT, "Override"):
        if node.getAttribute("PartName").casefold() in wanted:
            _xml().remove(node)
    return _xml().serialise(document)


def add_override(types: bytes, part: str, content_type: str) -> bytes:
    """``[Content_Types].xml`` with an Override for ``part``, unless a Default already gives
    the same type."""
    if content_type_of(types, part) == content_type:
        return types
    document = _xml().parse(types)
    _xml().add_element(document.documentElement, "Override",
                          [("PartName", "/" + part), ("ContentType", content_type)])
    return _xml().serialise(document)

CUSTOM_PROPS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


def read_custom_property(data: bytes, name: str) -> str | None:
    """The text of custom document property ``name`` in ``docProps/custom.xml`` (None if absent
    or unreadable)."""
    try:
        root = ElementTree.fromstring(data)
    except Exception:  # noqa: BLE001 - a damaged part simply holds no property
        return None
    for node in root.iter(f"{CUSTOM_PROPS}property"):
        if node.get("name") == name:
            return "".join(child.text or "" for child in node)
    return None


class Sheet(NamedTuple):
    """A sheet as ``workbook.xml`` lists it."""
    name: str
    sheet_id: int
    rel_id: str
    kind: str  # worksheet, chartsheet...
    part: str | None
    state: str = "visible"


class Package:
    """A package read whole into memory, parts in their zip order: motxl's one zip reader for
    the files it edits or compares (part names looked up case-insensitively)."""

    def __init__(self, path: Path | BinaryIO, *, lazy: bool = False) -> None:
        """Every part read at once, or with ``lazy`` (a path only) each part on first use:
        readers that need two small parts of a large workbook don't hold its sheets."""
        self.path = path if lazy else None
        with zipfile.ZipFile(path) as archive:
            self.infos = archive.infolist()
            self.data = {} if lazy else {info.filename: archive.read(info)
                                         for info in self.infos}
        self.by_fold = {info.filename.casefold(): info.filename for info in self.infos}

    def get(self, part: str) -> bytes | None:
        name = self.by_fold.get(part.casefold())
        if name is None:
            return None
        if name not in self.data and self.path is not None:
            with zipfile.ZipFile(self.path) as archive:
                self.data[name] = archive.read(name)
        return self.data[name]

    def info(self, part: str) -> zipfile.ZipInfo | None:
        """The part's zip entry (sizes), without reading it."""
        name = self.by_fold.get(part.casefold())
        return next((i for i in self.infos if i.filename == name), None) if name else None

    def head(self, part: str, size: int) -> bytes:
        """The first ``size`` bytes of a part, without inflating the rest."""
        if self.path is None:
            return self.read(part)[:size]
        with zipfile.ZipFile(self.path) as archive, archive.open(self.by_fold[part.casefold()]) \
                as stream:
            return stream.read(size)

    def read(self, part: str | None) -> bytes:
        """The part's bytes; KeyError when the package lacks it."""
        data = self.get(part) if part is not None else None
        if data is None:
            raise KeyError(part)
        return data

    def rels(self, part: str) -> list[Rel]:
        return parse_rels(self.get(rels_part_of(part)))

    def main_part(self) -> str:
        from motxl.errors import MotxlError

        for rel in self.rels(""):
            if rel.kind == "officeDocument":
                return resolve("", rel.target)
        raise MotxlError("Classeur sans partie principale : ouvrez-le dans Excel, "
                         "enregistrez-le de nouveau, puis relancez.")

    def related(self, part: str, kind: str) -> str | None:
        for rel in self.rels(part):
            if rel.kind == kind and rel.mode != "External":
                return resolve(part, rel.target)
        return None

    def sheets(self, main: str | None = None) -> list[Sheet]:
        """The sheets of the workbook part ``main`` (default: the package's), in order."""
        main = main or self.main_part()
        rels = {rel.id: rel for rel in self.rels(main)}
        sheets = []
        for node in ElementTree.fromstring(self.get(main) or b"").iter(f"{NS_MAIN}sheet"):
            rel = rels.get(node.get(f"{NS_REL}id") or "")
            part = resolve(main, rel.target) if rel and rel.mode != "External" else None
            sheets.append(Sheet(node.get("name", ""), int(node.get("sheetId") or 0),
                                node.get(f"{NS_REL}id") or "", rel.kind if rel else "", part,
                                node.get("state", "visible")))
        return sheets
