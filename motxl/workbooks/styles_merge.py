"""Append the styles of a rendered workbook to a workbook's own ``styles.xml``.

``merge_styles(original, rendered)`` returns the new ``styles.xml`` and two maps, rendered
cell-format index → index in the result (``xf``) and rendered differential-format index → index
in the result (``dxf``). The original is parsed and written with ``xml_parts`` (its prefixes,
declarations and items kept): only the ``numFmts``, ``fonts``, ``fills``, ``borders``,
``cellXfs`` and ``dxfs`` lists get items appended (and their ``count``). An item equal to one
already present (same elements, attributes and text, whatever the prefixes or quoting) is
reused rather than appended, so refreshing a workbook again does not make its styles grow.
Custom number formats are renumbered from the original's highest id + 1 (at least 164, the
first id the spec leaves to custom formats).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from defusedxml import ElementTree

from motxl.workbooks import xml_parts
from motxl.workbooks.opc import MAIN, NS_MAIN
from motxl.workbooks.xml_parts import ELEMENT_NODE, TEXT_NODE, Element

__all__ = ["merge_styles", "StyleMaps"]

#: The children of ``styleSheet``, in the order the schema requires.
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
          "dxfs", "tableStyles", "colors", "extLst")
_CHILD = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border",
          "cellXfs": "xf", "dxfs": "dxf"}
_IDS = ("fontId", "fillId", "borderId")


@dataclass
class StyleMaps:
    xf: list[int]
    dxf: list[int]


def _split(tag: str) -> tuple[str, str]:
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, local


def _dom_key(element: Element) -> tuple:
    """An item as comparable data: name, attributes (declarations aside), children, text."""
    attributes = sorted((a.namespaceURI or "", a.localName or a.name, a.value)
                        for a in element.attributes.values()
                        if a.namespaceURI != xml_parts.XMLNS)
    kids = tuple(_dom_key(n) for n in element.childNodes if n.nodeType == ELEMENT_NODE)
    text = "".join(n.data for n in element.childNodes if n.nodeType == TEXT_NODE).strip()
    return (element.namespaceURI or "", element.localName, tuple(attributes), kids, text)


def _et_key(element: Any) -> tuple:
    attributes = sorted(_split(name) + (value,) for name, value in element.attrib.items())
    return _split(element.tag) + (tuple(attributes), tuple(_et_key(c) for c in element),
                                  (element.text or "").strip())


def _import(element: Any, parent: Element) -> Element:
    """A copy of the ElementTree ``element`` appended to ``parent``, in the prefixes of
    ``parent``'s document."""
    namespace, local = _split(element.tag)
    root = parent.ownerDocument.documentElement
    if namespace and xml_parts.prefix_for(parent, namespace) is None:
        xml_parts.declare_prefix(root, namespace, "x")
    attributes = []
    for name, value in element.attrib.items():
        space, bare = _split(name)
        if space:
            bare = f"{xml_parts.declare_prefix(root, space, 'x')}:{bare}"
        attributes.append((bare, value))
    copy = xml_parts.add_element(parent, local, attributes, namespace=namespace)
    if element.text and element.text.strip():
        copy.appendChild(parent.ownerDocument.createTextNode(element.text))
    for child in element:
        _import(child, copy)
    return copy


class _List:
    """One list of styles.xml: the keys of its items, and where appended items go."""

    def __init__(self, root: Element, name: str) -> None:
        self.root, self.name = root, name
        self.section = xml_parts.child(root, MAIN, name)
        items = xml_parts.children(self.section, MAIN, _CHILD[name]) if self.section else []
        self.elements: list[Element] = items
        self.index: dict[tuple, int] = {}
        for i, item in enumerate(items):
            self.index.setdefault(_dom_key(item), i)
        self.count = len(items)
        self.changed = False

    def place(self, item: Any) -> int:
        """The index of ``item`` (an ElementTree element) in the list, appended if new."""
        key = _et_key(item)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = self.count
            self.elements.append(_import(item, self._section()))
            self.count += 1
            self.changed = True
        return found

    def _section(self) -> Element:
        if self.section is None:
            later = _ORDER[_ORDER.index(self.name) + 1:]
            follower = next((n for n in self.root.childNodes if n.nodeType == ELEMENT_NODE
                             and n.namespaceURI == MAIN and n.localName in later), None)
            self.section = xml_parts.add_element(self.root, self.name, before=follower)
        return self.section

    def finish(self) -> None:
        if self.changed:
            self._section().setAttribute("count", str(self.count))


def _number_formats(original: _List, rendered: list[Any]) -> dict[int, int]:
    """Rendered custom numFmtId → id in the result (appending to ``original``)."""
    by_code: dict[str, int] = {}
    highest = 163
    for item in original.elements:
        number = int(item.getAttribute("numFmtId") or -1)
        by_code.setdefault(item.getAttribute("formatCode"), number)
        highest = max(highest, number)
    mapping = {}
    for item in rendered:
        number, code = int(item.get("numFmtId") or -1), item.get("formatCode", "")
        if number < 164:
            mapping[number] = number
            continue
        found = by_code.get(code)
        if found is None:
            highest += 1
            found = by_code[code] = highest
            item.set("numFmtId", str(found))
            original.place(item)
        mapping[number] = found
    return mapping


def merge_styles(original: bytes, rendered: bytes) -> tuple[bytes, StyleMaps]:
    document = xml_parts.parse(original)
    root = document.documentElement
    if root.namespaceURI != MAIN or root.localName != "styleSheet":
        raise xml_parts.XmlPartError("styles.xml without styleSheet")
    lists = {name: _List(root, name) for name in _CHILD}
    theirs_root = ElementTree.fromstring(rendered)
    theirs = {}
    for name, child in _CHILD.items():
        section = theirs_root.find(f"{NS_MAIN}{name}")
        theirs[name] = [] if section is None else section.findall(f"{NS_MAIN}{child}")
    formats = _number_formats(lists["numFmts"], theirs["numFmts"])
    maps = {"fontId": [lists["fonts"].place(i) for i in theirs["fonts"]],
            "fillId": [lists["fills"].place(i) for i in theirs["fills"]],
            "borderId": [lists["borders"].place(i) for i in theirs["borders"]]}
    xf = []
    for item in theirs["cellXfs"]:
        for key in _IDS:
            if key in item.attrib:
                item.set(key, str(maps[key][int(item.get(key))]))
        if "numFmtId" in item.attrib:
            number = int(item.get("numFmtId"))
            item.set("numFmtId", str(formats.get(number, number)))
        if "xfId" in item.attrib:
            item.set("xfId", "0")
        xf.append(lists["cellXfs"].place(item))
    dxf = [lists["dxfs"].place(item) for item in theirs["dxfs"]]
    if not any(item.changed for item in lists.values()):
        return original, StyleMaps(xf, dxf)
    for item in lists.values():
        item.finish()
    return xml_parts.serialise(document), StyleMaps(xf, dxf)
