"""``motxl refresh``: write the Synthèse, Suivi and Contrôles tabs into a workbook file.

The programme is read with python-calamine (``read_programme``), checked and rolled up; the tabs
are described by ``motxl.core.tabs.build_tabs`` and drawn with the openpyxl adapter into the
workbook loaded with ``keep_vba`` (``.xlsm``) and ``keep_links``. A tab that already exists keeps
its sheet object (position, VBA code name, buttons) and is emptied; a missing one is added after
the last sheet. The other sheets are never written to: openpyxl reads and rewrites them, and the
save (``saving.save_workbook_atomically`` with ``check_preserved``) refuses any file that would
lose something from them.

openpyxl writes formulas without their last computed values; those are copied back from the
original file (``cached_formula_values``), so python-calamine, pandas and LibreOffice still read
the same values from the other sheets after a refresh, and a second refresh sees the same
programme.
The workbook is also marked for a full recalculation when Excel opens it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from motxl.errors import MotxlError
from motxl.workbooks.preflight import check_workbook_file
from motxl.workbooks.saving import _refuse_if_open, save_workbook_atomically

__all__ = ["RefreshResult", "refresh_file", "load_workbook_for_update", "cached_formula_values",
           "keeping_cached_values"]

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass
class RefreshResult:
    source: Path
    path: Path  # the file written (the source itself unless -o was given)
    backup: Path | None
    sheets: list[str]  # the tabs written, in order
    created: list[str]  # those that did not exist before
    counts: dict[str, int]  # findings by severity
    actions: int
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def _own_tab_names() -> tuple[str, ...]:
    from motxl.core.tabs.names import OWN_TABS

    return OWN_TABS


def refresh_file(path: str | Path, *, sheet: str | None = None, output: str | Path | None = None,
                 now: dt.datetime | None = None) -> RefreshResult:
    """Write the three tabs into ``path`` (in place) or into ``output``; MotxlError if refused."""
    from motxl.core.checks import validate
    from motxl.core.rollup import roll_up
    from motxl.core.tabs import build_tabs
    from motxl.workbooks.reading import read_programme

    started = time.perf_counter()
    source = Path(path)
    target = Path(output) if output is not None else source
    check_workbook_file(source)
    if target.suffix.lower() != source.suffix.lower():
        raise MotxlError(f"{target.name} doit avoir la même extension que {source.name} "
                         f"({source.suffix}) : changez le nom donné à -o.")
    _refuse_if_open(target)
    programme = read_programme(source, sheet)
    own_names = {name.casefold() for name in _own_tab_names()}
    if programme.sheet.casefold() in own_names:
        raise MotxlError(f"La feuille du programme s'appelle « {programme.sheet} », nom "
                         "réservé à un onglet que motxl réécrit : renommez-la (par exemple "
                         "« Programme »).")
    report = validate(programme)
    rollup = roll_up(programme)
    tabs = build_tabs(programme, report, rollup, now=now, source_name=source.name)

    workbook = load_workbook_for_update(source, skip_cells_of=set(_own_tab_names()))
    written, created = [], []
    from motxl.render.openpyxl_file import clear_worksheet, render_tab

    for spec in tabs:
        existing = _find_sheet(workbook, spec.name)
        if existing is None:
            ws = workbook.create_sheet(spec.name)
            created.append(spec.name)
        else:
            ws = existing
            clear_worksheet(ws)
        render_tab(ws, _renamed(spec, ws.title))
        written.append(ws.title)
    workbook.calculation.fullCalcOnLoad = True
    cache = cached_formula_values(source, exclude={name.casefold() for name in written})

    def write(temp: Path) -> None:
        with keeping_cached_values(cache):
            workbook.save(temp)

    backup = save_workbook_atomically(target, write, backup=True, before=source,
                                      own_sheets=set(written))
    return RefreshResult(source=source, path=target, backup=backup, sheets=written,
                         created=created, counts=dict(report.counts),
                         actions=len(programme.actions),
                         seconds=time.perf_counter() - started)


def load_workbook_for_update(path: Path, skip_cells_of: set[str] = frozenset()):
    """The workbook with everything openpyxl can keep: VBA and buttons (.xlsm), links, rich text.

    The cells of the sheets named in ``skip_cells_of`` are not loaded (they are about to be
    replaced): on a 10,000-action programme that halves the time of a second refresh.
    """
    import openpyxl

    try:
        source = _without_cells(path, skip_cells_of) if skip_cells_of else path
        with warnings.catch_warnings():
            # "... extension is not supported and will be removed": check_preserved reports it.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(source, keep_vba=path.suffix.lower() == ".xlsm",
                                          keep_links=True, rich_text=True)
    except MotxlError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl's many parse errors
        text = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise MotxlError(f"{path.name} ne peut pas être mis à jour ({text}) : ouvrez-le dans "
                         "Excel, enregistrez-le de nouveau, puis relancez.") from exc


_SHEET_DATA = re.compile(rb"<((?:\w+:)?sheetData)\b[^>]*?(?:/>|>.*?</\1>)", re.S)


def _without_cells(path: Path, sheets: set[str]):
    """``path`` as an in-memory copy where the named sheets have no cells, or ``path`` itself."""
    wanted = {name.casefold() for name in sheets}
    with zipfile.ZipFile(path) as archive:
        parts = {part for name, part in _sheet_parts(archive).items()
                 if name.casefold() in wanted}
        if not parts:
            return path
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
            for info in archive.infolist():
                data = archive.read(info.filename)
                if info.filename in parts:
                    data = _SHEET_DATA.sub(rb"<\1/>", data, count=1)
                copy.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    buffer.seek(0)
    return buffer


def _find_sheet(workbook, name: str):
    """The existing sheet named ``name``, compared as Excel does (case-insensitively)."""
    for ws in workbook.worksheets:
        if ws.title.casefold() == name.casefold():
            return ws
    for chartsheet in workbook.chartsheets:
        if chartsheet.title.casefold() == name.casefold():
            raise MotxlError(f"« {chartsheet.title} » est une feuille graphique : renommez-la "
                             "pour que motxl puisse créer son onglet.")
    return None


def _renamed(spec, title: str):
    """The spec as drawn on a sheet whose existing name differs only by case."""
    if spec.name == title:
        return spec
    from dataclasses import replace

    return replace(spec, name=title)


# --------------------------------------------------------------------------- cached values


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part name."""
    from defusedxml import ElementTree

    from motxl.workbooks.reading import _sheet_part

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    names = [node.get("name", "") for node in workbook.iter(f"{_NS_MAIN}sheet")]
    parts = {}
    for name in names:
        part = _sheet_part(archive, name)
        if part is not None and part in archive.namelist():
            parts[name] = part
    return parts


def cached_formula_values(path: Path, exclude: set[str]) -> dict[str, dict[str, tuple[str, str]]]:
    """Sheet name → {coordinate: (type, cached value text)} for every formula cell."""
    from defusedxml.ElementTree import iterparse

    cache: dict[str, dict[str, tuple[str, str]]] = {}
    with zipfile.ZipFile(path) as archive:
        for name, part in _sheet_parts(archive).items():
            if name.casefold() in exclude:
                continue
            data = archive.read(part)
            if b"<f" not in data and b":f" not in data:
                continue
            cells: dict[str, tuple[str, str]] = {}
            for _, element in iterparse(io.BytesIO(data), events=("end",)):
                if element.tag != f"{_NS_MAIN}c":
                    if element.tag == f"{_NS_MAIN}row":
                        element.clear()
                    continue
                formula = element.find(f"{_NS_MAIN}f")
                value = element.find(f"{_NS_MAIN}v")
                if formula is not None and value is not None and value.text is not None:
                    cells[element.get("r", "")] = (element.get("t", "n"), value.text)
            if cells:
                cache[name] = cells
    return cache


@contextlib.contextmanager
def keeping_cached_values(cache: dict[str, dict[str, tuple[str, str]]]) -> Iterator[None]:
    """While saving, write formula cells of the other sheets with their cached values."""
    import openpyxl.worksheet._writer as sheet_writer
    from openpyxl.worksheet.formula import ArrayFormula
    from openpyxl.xml.functions import Element, SubElement

    original = sheet_writer.write_cell

    def write_cell(xf, worksheet, cell, styled=None):
        cached = cache.get(worksheet.title, {}).get(cell.coordinate)
        value = cell._value
        if cached is None or cell.data_type != "f" or not isinstance(value, (str, ArrayFormula)):
            return original(xf, worksheet, cell, styled)
        kind, text = cached
        attributes = {"r": cell.coordinate}
        if styled:
            attributes["s"] = f"{cell.style_id}"
        if kind in ("str", "b", "e"):
            attributes["t"] = kind
        element = Element("c", attributes)
        if isinstance(value, ArrayFormula):
            formula = SubElement(element, "f", dict(value))
            text_ = value.text or ""
            formula.text = text_[1:] if text_.startswith("=") else text_
        else:
            formula = SubElement(element, "f")
            formula.text = value[1:]
        SubElement(element, "v").text = text
        if cell.hyperlink:
            worksheet._hyperlinks.append(cell.hyperlink)
        xf.write(element)

    sheet_writer.write_cell = write_cell
    try:
        yield
    finally:
        sheet_writer.write_cell = original
