"""Edit the small XML parts motxl owns in a package, with a real XML parser and writer.

The parts refresh rewrites (``workbook.xml``, ``[Content_Types].xml``, relationship parts,
``styles.xml``, ``docProps/app.xml``, the tables it adds) are parsed by ``defusedxml.minidom``
(no DTD, no entity expansion, no external resource) and written back by ``xml.dom.minidom``.

Why the DOM and not ``xml.etree``: ElementTree renames every namespace prefix on output
(``ns0:``…) and drops the declarations no element uses; Office files declare prefixes that only
``mc:Ignorable="x14ac xr"`` names, and Excel rejects a part whose ignorable prefixes are no
longer declared. The DOM keeps each element's own prefix and every ``xmlns`` attribute as they
were, whatever the writer used (default namespace, ``x:``, single quotes...), and needs nothing
outside the standard library (lxml would, and is not on every path motxl runs on).

Elements are found by namespace and local name, never by their prefix; new elements take the
prefix their parent uses for the same namespace.
"""

from __future__ import annotations

from typing import Any, Iterable

from defusedxml import minidom as safe_minidom

__all__ = ["ELEMENT_NODE", "TEXT_NODE", "parse", "serialise", "children", "child", "elements", "add_element", "remove",
           "prefix_for", "declare_prefix", "XmlPartError", "Document", "Element"]

XMLNS = "http://www.w3.org/2000/xmlns/"
#: DOM node types (W3C DOM Level 1 values, as ``xml.dom.Node`` has them).
ELEMENT_NODE, TEXT_NODE = 1, 3
#: DOM nodes, typed loosely: typeshed's minidom makes every attribute optional, and these
#: parts were parsed a line earlier.
Document = Any
Element = Any


class XmlPartError(ValueError):
    """A part that is not well-formed XML, or declares a DTD (refused)."""


def parse(data: bytes) -> Document:
    try:
        return safe_minidom.parseString(data, forbid_dtd=True)
    except Exception as exc:  # noqa: BLE001 - expat's error, defusedxml's refusals, bad bytes
        raise XmlPartError(f"{type(exc).__name__}: {exc}") from exc


def serialise(document: Document) -> bytes:
    return document.toxml(encoding="UTF-8", standalone=True)


def children(parent: Element | Document, namespace: str, local: str) -> list[Element]:
    """The element children of ``parent`` named ``{namespace}local``."""
    return [node for node in parent.childNodes
            if node.nodeType == ELEMENT_NODE and node.localName == local
            and node.namespaceURI == namespace]


def child(parent: Element | Document, namespace: str, local: str) -> Element | None:
    found = children(parent, namespace, local)
    return found[0] if found else None


def elements(root: Element | Document, namespace: str, local: str) -> list[Element]:
    """Every descendant element named ``{namespace}local``, in document order."""
    return list(root.getElementsByTagNameNS(namespace, local))


def prefix_for(element: Element, namespace: str) -> str | None:
    """The prefix bound to ``namespace`` where ``element`` stands ("" for the default
    namespace), or None when it is not declared there."""
    node = element
    while node is not None and node.nodeType == ELEMENT_NODE:
        attributes = node.attributes
        for index in range(attributes.length):
            attribute = attributes.item(index)
            if attribute.value != namespace:
                continue
            if attribute.name == "xmlns":
                return ""
            if attribute.name.startswith("xmlns:"):
                return attribute.name[6:]
        node = node.parentNode
    return None


def declare_prefix(root: Element, namespace: str, wanted: str) -> str:
    """A prefix for ``namespace`` usable anywhere under ``root``: the one declared on the root,
    else ``wanted`` (numbered if taken) declared there now."""
    attributes = root.attributes
    taken = set()
    for index in range(attributes.length):
        attribute = attributes.item(index)
        if attribute.name.startswith("xmlns:"):
            if attribute.value == namespace:
                return attribute.name[6:]
            taken.add(attribute.name[6:])
    prefix, number = wanted, 2
    while prefix in taken:
        prefix, number = f"{wanted}{number}", number + 1
    root.setAttributeNS(XMLNS, f"xmlns:{prefix}", namespace)
    return prefix


def _qualified(parent: Element, namespace: str, local: str) -> str:
    prefix = prefix_for(parent, namespace)
    if prefix is None:
        raise XmlPartError(f"namespace {namespace} not declared for <{local}>")
    return f"{prefix}:{local}" if prefix else local


def add_element(parent: Element, local: str, attributes: Iterable[tuple[str, str]] = (),
                *, namespace: str | None = None, before: Any = None) -> Element:
    """A new element ``local`` in ``parent``'s namespace (or ``namespace``), with the prefix
    already bound to it there; appended, or inserted before ``before``. Attribute names are
    written as given (``r:id`` must use a prefix declared above)."""
    namespace = namespace if namespace is not None else parent.namespaceURI
    document = parent.ownerDocument
    element = document.createElementNS(namespace, _qualified(parent, namespace, local))
    for name, value in attributes:
        element.setAttribute(name, value)
    if before is None:
        parent.appendChild(element)
    else:
        parent.insertBefore(element, before)
    return element


def remove(element: Element) -> None:
    """Take ``element`` out of its parent, with the white space that followed it."""
    parent = element.parentNode
    following = element.nextSibling
    parent.removeChild(element)
    if following is not None and following.nodeType == TEXT_NODE \
            and not following.data.strip():
        parent.removeChild(following)
