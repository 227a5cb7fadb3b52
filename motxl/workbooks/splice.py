"""Put tabs rendered by XlsxWriter into a workbook file without rewriting the rest of it.

``splice_tabs(source, rendered, target, tabs)`` writes ``target``: every part of ``source``
copied byte for byte, except

* each tab's worksheet part, replaced by the rendered one (style ids remapped, shared strings
  made inline, the old VBA code name, selected state and button drawing kept); a tab the
  workbook lacks is added after its last sheet;
* the tab's old related parts (drawings, charts, tables, comments...), removed, and the
  rendered ones (drawing, charts, table) added under free part names, table ids and names made
  unique in the workbook;
* ``styles.xml`` (rendered styles appended), ``workbook.xml`` (new sheets, print titles),
  its relationships and ``[Content_Types].xml``, parsed and written with a real XML parser
  (``xml_parts``: defusedxml for reading, the DOM keeps the file's own prefixes);
* ``calcChain.xml``, dropped: Excel rebuilds it, and stale entries make it repair the file;
* ``docProps/app.xml``: its list of worksheets (TitlesOfParts, HeadingPairs) gets the new tabs.

Each tab written carries the motxl mark, a hidden sheet-scoped defined name
(``presentation.names.MARK_NAME``); a replaced sheet without it is listed in
``SpliceResult.foreign``. A tab added to a macro-enabled workbook gets a unique ASCII VBA code
name, as Excel gives every sheet of such a workbook.

The programme sheet, VBA project, buttons, other sheets and document properties are never
parsed for writing, so nothing openpyxl would drop can be lost.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from defusedxml import ElementTree

from motxl.errors import MotxlError
from motxl.presentation.names import MARK_NAME, MARK_VALUE
from motxl.workbooks import opc
from motxl.workbooks.opc import Rel
from motxl.workbooks import xml_parts
from motxl.workbooks.sheet_xml import adapt_sheet, shared_strings, sheet_head_facts, \
    vml_has_controls
from motxl.workbooks.styles_merge import merge_styles

__all__ = ["splice_tabs", "SpliceResult"]

NS_MAIN, NS_REL, MAIN = opc.NS_MAIN, opc.NS_REL, opc.MAIN
WORKSHEET_TYPE = opc.REL_TYPE + "worksheet"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
#: Print set-up and filter names motxl sets on its tabs (replaced at each refresh).
OWN_NAMES = {"_xlnm.print_titles", "_xlnm.print_area", "_xlnm._filterdatabase",
             MARK_NAME.casefold()}
#: What may follow ``definedNames`` in ``workbook.xml`` (ECMA-376 CT_Workbook order).
_AFTER_DEFINED_NAMES = ("calcPr", "oleSize", "customWorkbookViews", "pivotCaches",
                        "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr",
                        "webPublishObjects", "extLst")


@dataclass
class SpliceResult:
    created: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # replaced sheets without the motxl mark


class _Splice:
    def __init__(self, source: Path, rendered: Path) -> None:
        self.src, self.new = opc.Package(source), opc.Package(rendered)
        self.main = self.src.main_part()
        self.sheets = self.src.sheets(self.main)
        self.new_main = self.new.main_part()
        self.new_sheets = {s.name: s for s in self.new.sheets(self.new_main)}
        self.parts = dict(self.src.data)  # the output, name → bytes
        self.added: dict[str, str] = {}  # added part → content type
        self.replaced_rels: dict[str, list[Rel]] = {}  # part → its new relationships
        styles = self.src.related(self.main, "styles")
        if styles is None or self.src.get(styles) is None:
            raise MotxlError("Classeur sans feuille de styles : ouvrez-le dans Excel, "
                             "enregistrez-le de nouveau, puis relancez.")
        self.styles_part = self.src.by_fold[styles.casefold()]
        merged, self.maps = merge_styles(self.parts[self.styles_part],
                                         self.new.read(self.new.related(self.new_main, "styles")))
        self.parts[self.styles_part] = merged
        strings = self.new.related(self.new_main, "sharedStrings")
        self.strings = shared_strings(self.new.get(strings) if strings else None)

    # ------------------------------------------------------------------ tables

    def prepare(self, replaced: set[int]) -> None:
        """Find the parts only the replaced tabs reach (``doomed``): their names are free."""
        parts = {self.src.by_fold[str(self.sheets[i].part).casefold()] for i in replaced}
        old_reach: set[str] = set()
        for part in parts:
            self._reach(part, old_reach, set())
        others: set[str] = set()
        self._reach("", others, {p.casefold() for p in parts})
        for part in parts:  # the buttons' drawing stays with its tab
            for rel in self._kept_legacy(part):
                target = opc.resolve(part, rel.target).casefold()
                others.add(target)
                self._reach(self.src.by_fold.get(target, target), others, set())
        doomed = {self.src.by_fold[p] for p in old_reach - others if p in self.src.by_fold}
        doomed |= {self.src.by_fold[r.casefold()] for r in map(opc.rels_part_of, list(doomed))
                   if r.casefold() in self.src.by_fold}
        self.doomed = doomed
        self.taken = {name.casefold() for name in self.parts if name not in doomed}
        self.table_ids, self.table_names = self._tables()

    @property
    def macros(self) -> bool:
        return self.src.related(self.main, "vbaProject") is not None

    @property
    def code_names(self) -> set[str]:
        """The VBA code names in use (casefolded): the workbook's and every sheet's."""
        if not hasattr(self, "_code_names"):
            names = set()
            properties = ElementTree.fromstring(self.src.get(self.main)).find(
                f"{NS_MAIN}workbookPr")
            if properties is not None and properties.get("codeName"):
                names.add(properties.get("codeName", "").casefold())
            for sheet in self.sheets:
                data = self.src.get(sheet.part) if sheet.part else None
                if data and sheet.kind == "worksheet":
                    code = sheet_head_facts(data)[0]
                    if code:
                        names.add(code.casefold())
            self._code_names = names
        return self._code_names

    def _kept_legacy(self, part: str) -> list[Rel]:
        """The relationship to the tab's legacy drawing, if it holds buttons."""
        _, _, legacy = sheet_head_facts(self.src.data[part])
        return [rel for rel in self.src.rels(part) if rel.id == legacy and rel.mode != "External"
                and vml_has_controls(self.src.get(opc.resolve(part, rel.target)))]

    def _tables(self) -> tuple[set[int], set[str]]:
        ids, names = set(), set()
        for name, data in self.src.data.items():
            if name in self.doomed:
                continue
            if name.startswith("xl/tables/") and name.endswith(".xml"):
                root = ElementTree.fromstring(data)
                ids.add(int(root.get("id") or 0))
                names.add((root.get("name") or "").casefold())
                names.add((root.get("displayName") or "").casefold())
        workbook = ElementTree.fromstring(self.src.get(self.main))
        names |= {(n.get("name") or "").casefold() for n in workbook.iter(f"{NS_MAIN}definedName")}
        return ids, names

    def _own_table(self, data: bytes) -> bytes:
        """A rendered table part with an id and name free in the workbook, its differential
        formats pointing into the merged styles."""
        document = xml_parts.parse(data)
        root = document.documentElement
        table_id = max(self.table_ids | {0}) + 1
        self.table_ids.add(table_id)
        name = root.getAttribute("name") or root.getAttribute("displayName") or "Tableau"
        candidate, n = name, 2
        while candidate.casefold() in self.table_names:
            candidate, n = f"{name}_{n}", n + 1
        self.table_names.add(candidate.casefold())
        root.setAttribute("id", str(table_id))
        root.setAttribute("name", candidate)
        root.setAttribute("displayName", candidate)
        for element in document.getElementsByTagName("*"):
            for attribute, value in list(element.attributes.items()):
                if attribute.endswith("DxfId"):
                    element.setAttribute(attribute, str(self.maps.dxf[int(value)]))
        return xml_parts.serialise(document)

    # ------------------------------------------------------------------ rendered parts

    def _copy_related(self, rendered_part: str, output_part: str, copied: dict[str, str]) \
            -> list[Rel]:
        """The rendered part's relationships, their targets copied under free names."""
        rels = []
        for rel in self.new.rels(rendered_part):
            if rel.mode == "External" or rel.kind in ("sharedStrings", "styles"):
                rels.append(rel)
                continue
            source = opc.resolve(rendered_part, rel.target)
            target = copied.get(source)
            if target is None:
                target = copied[source] = opc.fresh_name(source, self.taken)
                stale = self.src.by_fold.get(opc.rels_part_of(target).casefold())
                if stale is not None:  # a freed name reused: its old links go too
                    self.parts.pop(stale, None)
                data = self.new.read(source)
                if rel.kind == "table":
                    data = self._own_table(data)
                self.parts[target] = data
                self.added[target] = opc.content_type_of(self.new.read("[Content_Types].xml"),
                                                         source) or "application/xml"
                sub = self._copy_related(source, target, copied)
                if sub:
                    self.parts[opc.rels_part_of(target)] = opc.serialise_rels(sub)
            rels.append(Rel(rel.id, rel.type, opc.relative(output_part, target)))
        return rels

    def _reach(self, part: str, seen: set[str], stop: set[str]) -> None:
        """Add to ``seen`` the parts reachable from ``part`` (casefolded), not through ``stop``."""
        for rel in self.src.rels(part):
            if rel.mode == "External":
                continue
            target = opc.resolve(part, rel.target).casefold()
            if target not in seen and target not in stop:
                seen.add(target)
                self._reach(self.src.by_fold.get(target, target), seen, stop)

    def put_tab(self, name: str, index: int | None) -> str:
        """Write tab ``name`` over sheet ``index`` (None: a new sheet); its part name."""
        rendered = self.new_sheets[name]
        xml = self.new.read(rendered.part)
        code_name, selected = None, False
        if index is None:
            part = opc.fresh_name("xl/worksheets/sheet1.xml", self.taken)
            self.added[part] = WORKSHEET_CT
            kept = []
            if self.macros:
                code_name = _fresh_code_name(name, self.code_names)
        else:
            part = self.src.by_fold[str(self.sheets[index].part).casefold()]
            code_name, selected, _ = sheet_head_facts(self.parts[part])
            kept = self._kept_legacy(part)
        rels = self._copy_related(str(rendered.part), part, {})
        legacy_id = None
        if kept:
            legacy_id = opc.fresh_id({rel.id for rel in rels})
            rels.append(Rel(legacy_id, kept[0].type, kept[0].target))
        self.parts[part] = adapt_sheet(xml, xf=self.maps.xf, dxf=self.maps.dxf,
                                       strings=self.strings, code_name=code_name,
                                       selected=selected, legacy_rel=legacy_id)
        self.replaced_rels[part] = rels
        return part


def _fresh_code_name(tab: str, taken: set[str]) -> str:
    """An ASCII VBA identifier from ``tab`` (``Synthèse`` → ``Synthese``), unique in ``taken``
    (casefolded, updated): a letter first, then letters, digits, underscores; 31 at most."""
    ascii_name = unicodedata.normalize("NFKD", tab).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9_]", "", ascii_name).lstrip("0123456789_")[:28] or "Feuille"
    candidate, number = base, 2
    while candidate.casefold() in taken:
        candidate, number = f"{base}{number}", number + 1
    taken.add(candidate.casefold())
    return candidate


def _final_reach(splice: _Splice) -> set[str]:
    """Parts reachable from the package root once the tabs are replaced (casefolded)."""
    seen: set[str] = set()
    by_fold = {name.casefold(): name for name in splice.parts}

    def rels_of(part: str) -> list[Rel]:
        name = by_fold.get(part.casefold(), part)
        if name in splice.replaced_rels:
            return splice.replaced_rels[name]
        return opc.parse_rels(splice.parts.get(by_fold.get(opc.rels_part_of(name).casefold(),
                                                           "")))

    stack = [""]
    while stack:
        part = stack.pop()
        for rel in rels_of(part):
            if rel.mode == "External":
                continue
            target = opc.resolve(part, rel.target)
            if target.casefold() not in seen:
                seen.add(target.casefold())
                stack.append(target)
    return seen


def splice_tabs(source: Path, rendered: Path, target: Path, tabs: Sequence[str]) -> SpliceResult:
    """Write ``target``: ``source`` with the rendered ``tabs`` in place (see the module doc)."""
    splice = _Splice(Path(source), Path(rendered))
    result = SpliceResult()
    by_name = {s.name.casefold(): i for i, s in enumerate(splice.sheets)}
    positions: dict[str, int] = {}  # rendered tab → its index in the output workbook
    new_sheets: list[tuple[str, str]] = []  # (name, part) of the sheets added
    for name in tabs:
        index = by_name.get(name.casefold())
        if index is not None and splice.sheets[index].kind != "worksheet":
            raise MotxlError(f"« {splice.sheets[index].name} » n'est pas une feuille de calcul "
                             "(feuille graphique ou macro) : renommez-la pour que motxl puisse "
                             "créer son onglet.")
    replaced = {by_name[n.casefold()] for n in tabs if n.casefold() in by_name}
    marked = _marked_sheets(splice)
    result.foreign = [splice.sheets[i].name for i in sorted(replaced) if i not in marked]
    splice.prepare(replaced)
    for name in tabs:
        index = by_name.get(name.casefold())
        part = splice.put_tab(name, index)
        if index is None:
            positions[name] = len(splice.sheets) + len(new_sheets)
            new_sheets.append((name, part))
            result.created.append(name)
        else:
            positions[name] = index
    _write_rels_of_tabs(splice)
    workbook_rels = splice.src.by_fold[opc.rels_part_of(splice.main).casefold()]
    rels_data = splice.parts[workbook_rels]
    used_ids = {rel.id for rel in opc.parse_rels(rels_data)}
    calc_chain = [rel for rel in opc.parse_rels(rels_data) if rel.kind == "calcChain"]
    rels_data = opc.remove_rels(rels_data, {rel.id for rel in calc_chain})
    sheet_rels = [(name, part, opc.fresh_id(used_ids)) for name, part in new_sheets]
    rels_data = opc.add_rels(rels_data, [Rel(rid, WORKSHEET_TYPE, opc.relative(splice.main, part))
                                         for _, part, rid in sheet_rels])
    splice.parts[workbook_rels] = rels_data
    splice.parts[splice.main] = _edit_workbook(splice, sheet_rels, replaced, positions)
    if new_sheets:
        _list_new_sheets(splice, [name for name, _ in new_sheets])
    removed = _unreachable(splice)
    _write(splice, removed, target)
    return result


def _write_rels_of_tabs(splice: _Splice) -> None:
    for part, rels in splice.replaced_rels.items():
        rels_part = opc.rels_part_of(part)
        existing = splice.src.by_fold.get(rels_part.casefold(), rels_part)
        if rels:
            splice.parts[existing] = opc.serialise_rels(rels)
        else:
            splice.parts.pop(existing, None)


def _unreachable(splice: _Splice) -> set[str]:
    """Original parts to drop: the calculation chain, and what only the old tabs reached."""
    reach = _final_reach(splice)
    removed = set()
    for name in list(splice.parts):
        fold = name.casefold()
        if name in splice.doomed and fold not in reach and not name.endswith(".rels"):
            removed.add(name)
    for rel in splice.src.rels(splice.main):
        if rel.kind == "calcChain":
            removed.add(splice.src.by_fold.get(opc.resolve(splice.main, rel.target).casefold(),
                                               ""))
    removed.discard("")
    for name in list(removed):
        rels = splice.src.by_fold.get(opc.rels_part_of(name).casefold())
        if rels:
            removed.add(rels)
    return removed


def _edit_workbook(splice: _Splice, sheet_rels: list[tuple[str, str, str]], replaced: set[int],
                   positions: dict[str, int]) -> bytes:
    """``workbook.xml`` with the new sheets listed and the own tabs' print names replaced."""
    document = xml_parts.parse(splice.parts[splice.main])
    root = document.documentElement
    sheets = xml_parts.child(root, MAIN, "sheets")
    if sheets is None:
        raise MotxlError("Classeur sans liste de feuilles : ouvrez-le dans Excel, "
                         "enregistrez-le de nouveau, puis relancez.")
    next_id = max((s.sheet_id for s in splice.sheets), default=0) + 1
    if sheet_rels:
        r = xml_parts.declare_prefix(root, opc.REL, "r")
        for name, _, rid in sheet_rels:
            xml_parts.add_element(sheets, "sheet", [("name", name), ("sheetId", str(next_id)),
                                                    (f"{r}:id", rid)])
            next_id += 1
    defined = xml_parts.child(root, MAIN, "definedNames")
    if defined is not None:
        for node in xml_parts.children(defined, MAIN, "definedName"):
            local = node.getAttribute("localSheetId")
            if (node.getAttribute("name").casefold() in OWN_NAMES and local.isdigit()
                    and int(local) in replaced):
                xml_parts.remove(node)
    new_sheet_names = list(splice.new_sheets)
    added = []
    for node in ElementTree.fromstring(splice.new.get(splice.new_main)).iter(
            f"{NS_MAIN}definedName"):
        local = node.get("localSheetId")
        if local is None:
            continue
        index = positions[new_sheet_names[int(local)]]
        attributes = [(key, str(index) if key == "localSheetId" else value)
                      for key, value in node.items()]
        added.append((attributes, node.text or ""))
    for index in sorted(positions.values()):  # the mark on every tab written
        added.append(([("name", MARK_NAME), ("localSheetId", str(index)), ("hidden", "1")],
                      MARK_VALUE))
    if added and defined is None:
        follower = next((node for node in root.childNodes
                         if node.nodeType == xml_parts.ELEMENT_NODE
                         and node.localName in _AFTER_DEFINED_NAMES), None)
        defined = xml_parts.add_element(root, "definedNames", before=follower)
    for attributes, text in added:
        xml_parts.add_element(defined, "definedName", attributes).appendChild(
            document.createTextNode(text))
    if defined is not None and not [n for n in defined.childNodes
                                    if n.nodeType == xml_parts.ELEMENT_NODE]:
        xml_parts.remove(defined)  # an empty list is not valid
    return xml_parts.serialise(document)


def _marked_sheets(splice: _Splice) -> set[int]:
    """Indexes of the sheets that carry the motxl mark in the source workbook."""
    marked = set()
    for node in ElementTree.fromstring(splice.src.get(splice.main)).iter(
            f"{NS_MAIN}definedName"):
        local = node.get("localSheetId") or ""
        if (node.get("name") or "").casefold() == MARK_NAME.casefold() and local.isdigit():
            marked.add(int(local))
    return marked


def _list_new_sheets(splice: _Splice, names: list[str]) -> None:
    """``docProps/app.xml`` listing the added tabs among the worksheets (TitlesOfParts, and
    the count in HeadingPairs), when it lists the worksheets at all."""
    part = splice.src.related("", "extended-properties")
    name = splice.src.by_fold.get(part.casefold()) if part else None
    if name is None:
        return
    document = xml_parts.parse(splice.parts[name])
    root = document.documentElement
    pairs = xml_parts.child(root, opc.EXTENDED, "HeadingPairs")
    titles = xml_parts.child(root, opc.EXTENDED, "TitlesOfParts")
    pair_vector = xml_parts.child(pairs, opc.VT, "vector") if pairs else None
    title_vector = xml_parts.child(titles, opc.VT, "vector") if titles else None
    if pair_vector is None or title_vector is None:
        return
    variants = [xml_parts.child(v, opc.VT, "i4") or xml_parts.child(v, opc.VT, "i2")
                for v in xml_parts.children(pair_vector, opc.VT, "variant")]
    counts = [v for v in variants[1::2]]
    items = xml_parts.children(title_vector, opc.VT, "lpstr")
    worksheets = {s.name for s in splice.sheets if s.kind == "worksheet"}
    start, best, best_index = 0, 0, None
    for index, counter in enumerate(counts):  # the category that lists the worksheets
        number = int(counter.firstChild.data) if counter is not None and counter.firstChild \
            else 0
        listed = [_text(item) for item in items[start:start + number]]
        overlap = len(worksheets.intersection(listed))
        if overlap > best:
            best, best_index, end = overlap, index, start + number
        start += number
    if best_index is None:
        return
    follower = items[end] if end < len(items) else None
    for title in names:
        xml_parts.add_element(title_vector, "lpstr", before=follower).appendChild(
            document.createTextNode(title))
    count: Any = counts[best_index]
    count.firstChild.data = str(int(count.firstChild.data) + len(names))
    title_vector.setAttribute("size", str(len(items) + len(names)))
    splice.parts[name] = xml_parts.serialise(document)


def _text(element) -> str:
    return "".join(node.data for node in element.childNodes if node.nodeType == xml_parts.TEXT_NODE)


def _write(splice: _Splice, removed: set[str], target: Path) -> None:
    types_name = splice.src.by_fold["[content_types].xml"]
    types = splice.parts[types_name]
    changed = {part for part, kind in splice.added.items()
               if opc.content_type_of(types, part) != kind}
    types = opc.remove_overrides(types, (removed - set(splice.added)) | changed)
    for part in changed:  # a freed name reused for the same kind of part keeps its entry
        types = opc.add_override(types, part, splice.added[part])
    splice.parts[types_name] = types
    stamp = next((i.date_time for i in splice.src.infos if i.filename == splice.main),
                 (1980, 1, 1, 0, 0, 0))
    written = set()
    # Level 1 deflate: three times faster than the default on a large programme sheet, for a
    # file about a fifth larger; the parts' contents are the same either way.
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info in splice.src.infos:
            name = info.filename
            if name in removed or name not in splice.parts:
                continue
            archive.writestr(info, splice.parts[name], compress_type=info.compress_type,
                             compresslevel=1)
            written.add(name)
        for name, data in splice.parts.items():
            if name not in written and name not in removed:
                archive.writestr(zipfile.ZipInfo(name, stamp), data,
                                 compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
